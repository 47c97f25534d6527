using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// PUB (RFC 29): sends each message to every connected SUB whose subscriptions match its first
/// frame (a prefix match; the empty topic matches all). A subscriber whose queue is at
/// <see cref="ZmqSocket.SendHighWatermark"/> misses the message: a send never waits. Receives
/// nothing. Multipart messages go whole to the same subscribers; a payload above 64 bytes is shared
/// by them, not copied per subscriber.
/// <para>Threads: not thread-safe for everything (<see cref="ZmqSocket.IsThreadSafe"/> is false), but
/// whole-message sends (single-frame <c>Send</c>, <c>SendMultipart</c>), Bind, Connect and Dispose
/// are safe from many threads at once. A message sent frame by frame (<c>more</c>) belongs to one
/// thread until its last frame, with no other send in between. Options are not synchronised: set
/// them before Bind and Connect.</para>
/// </summary>
public sealed class PublisherSocket : ZmqSocket, IMultipartSendingSocket
{
    /// <summary>Creates a PUB in <see cref="ZmqContext.Default"/>.</summary>
    public PublisherSocket()
        : this(null)
    {
    }

    /// <summary>Creates a PUB whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public PublisherSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    private sealed class Rules : PublishingPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Pub;
    }
}
