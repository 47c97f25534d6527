using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// CHANNEL (RFC 51): a thread-safe PAIR. Talks to one CHANNEL peer, both ways: a connection from a
/// second peer is refused (closed, with a HandshakeFailed monitor event that says why) while the
/// first is attached, and a second Connect throws. At the high-water mark a send waits (up to
/// <see cref="ZmqSocket.SendTimeout"/>) and never drops; messages sent before the peer exists wait
/// in the connecting endpoint's queue. Single-frame messages only.
/// <para>Thread-safe: any number of threads may send, receive, bind, connect and dispose at once
/// (<see cref="ZmqSocket.IsThreadSafe"/>). Options are not synchronised: set them before Bind and
/// Connect.</para>
/// </summary>
public sealed class ChannelSocket : ZmqSocket, ISendingSocket, IReceivingSocket
{
    /// <summary>Creates a CHANNEL in <see cref="ZmqContext.Default"/>.</summary>
    public ChannelSocket()
        : this(null)
    {
    }

    /// <summary>Creates a CHANNEL whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public ChannelSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>The one pipe is the whole rotation of the load balancer and of the fair queue.</summary>
    private sealed class Rules : LoadBalancedPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Channel;

        public override bool OnePeer => true;
    }
}
