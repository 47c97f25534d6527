using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// DEALER (RFC 28): an asynchronous requester. Sends each message round-robin to the next peer with
/// room (REP, DEALER or ROUTER), waiting at the high-water mark of every peer and never dropping;
/// a message sent before any connection exists waits in the queue of a connecting endpoint.
/// Fair-queues what its peers send. Multipart messages travel whole; no envelope is added or
/// removed (talking to a REP, send an empty delimiter frame first, as libzmq's REQ does).
/// <para>Threads: whole-message sends and receives (single-frame <c>Send</c>/<c>Receive</c>,
/// <c>SendMultipart</c>/<c>ReceiveMultipart</c>), Bind, Connect and Dispose are safe from many
/// threads at once; a message sent or received frame by frame (<c>more</c>) belongs to one thread
/// until its last frame (<see cref="ZmqSocket.IsThreadSafe"/> is false). Options are not
/// synchronised: set them before Bind and Connect.</para>
/// </summary>
public sealed class DealerSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates a DEALER in <see cref="ZmqContext.Default"/>.</summary>
    public DealerSocket()
        : this(null)
    {
    }

    /// <summary>Creates a DEALER whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public DealerSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    private sealed class Rules : LoadBalancedPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Dealer;
    }
}
