using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// SCATTER (RFC 49): a thread-safe PUSH. Sends each message round-robin to the next GATHER peer
/// with room; a message sent before any connection exists waits in the queue of a connecting
/// endpoint. At the high-water mark of every peer a send waits (up to
/// <see cref="ZmqSocket.SendTimeout"/>) and never drops. Single-frame messages only. Receives
/// nothing.
/// <para>Thread-safe: any number of threads may send, bind, connect and dispose at once
/// (<see cref="ZmqSocket.IsThreadSafe"/>). Options are not synchronised: set them before Bind and
/// Connect.</para>
/// </summary>
public sealed class ScatterSocket : ZmqSocket, ISendingSocket
{
    /// <summary>Creates a SCATTER in <see cref="ZmqContext.Default"/>.</summary>
    public ScatterSocket()
        : this(null)
    {
    }

    /// <summary>Creates a SCATTER whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public ScatterSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    private sealed class Rules : LoadBalancedPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Scatter;
    }
}
