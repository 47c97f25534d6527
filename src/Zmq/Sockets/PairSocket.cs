using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// PAIR (RFC 31): an exclusive pair. Talks to one PAIR peer, both ways: a connection from a second
/// peer is refused (closed, with a HandshakeFailed monitor event that says why) while the first is
/// attached, and a second Connect throws. At the high-water mark a send waits (up to
/// <see cref="ZmqSocket.SendTimeout"/>) and never drops; messages sent before the peer exists wait
/// in the connecting endpoint's queue. Multipart messages travel whole.
/// <para>Threads: whole-message sends and receives, Bind, Connect and Dispose are safe from many
/// threads at once; a message sent or received frame by frame (<c>more</c>) belongs to one thread
/// until its last frame (<see cref="ZmqSocket.IsThreadSafe"/> is false). Options are not
/// synchronised: set them before Bind and Connect.</para>
/// </summary>
public sealed class PairSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates a PAIR in <see cref="ZmqContext.Default"/>.</summary>
    public PairSocket()
        : this(null)
    {
    }

    /// <summary>Creates a PAIR whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public PairSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>The one pipe is the whole rotation of the load balancer and of the fair queue.</summary>
    private sealed class Rules : LoadBalancedPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Pair;

        public override bool OnePeer => true;
    }
}
