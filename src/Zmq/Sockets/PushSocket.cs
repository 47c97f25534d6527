using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// PUSH (RFC 30): the source of a pipeline. Sends each message round-robin to the next PULL peer
/// with room; a message sent before any connection exists waits in the queue of a connecting
/// endpoint. At the high-water mark of every peer a send waits (up to
/// <see cref="ZmqSocket.SendTimeout"/>) and never drops. Multipart messages go whole to one peer.
/// Receives nothing.
/// <para>Threads: whole-message sends (single-frame <c>Send</c>, <c>SendMultipart</c>), Bind,
/// Connect and Dispose are safe from many threads at once; a message sent frame by frame
/// (<c>more</c>) belongs to one thread until its last frame (<see cref="ZmqSocket.IsThreadSafe"/>
/// is false). Options are not synchronised: set them before Bind and Connect.</para>
/// </summary>
public sealed class PushSocket : ZmqSocket, IMultipartSendingSocket
{
    /// <summary>Creates a PUSH in <see cref="ZmqContext.Default"/>.</summary>
    public PushSocket()
        : this(null)
    {
    }

    /// <summary>Creates a PUSH whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public PushSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    private sealed class Rules : LoadBalancedPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Push;
    }
}
