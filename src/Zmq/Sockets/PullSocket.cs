using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// PULL (RFC 30): the sink of a pipeline. Fair-queues messages from its PUSH peers, a whole
/// multipart message at a time. Sends nothing.
/// <para>Threads: whole-message receives (<c>ReceiveMultipart</c>; <c>Receive</c> where every
/// message has one frame), Bind, Connect and Dispose are safe from many threads at once; a message
/// received frame by frame belongs to one thread until its last frame
/// (<see cref="ZmqSocket.IsThreadSafe"/> is false). Options are not synchronised: set them before
/// Bind and Connect.</para>
/// </summary>
public sealed class PullSocket : ZmqSocket, IMultipartReceivingSocket
{
    /// <summary>Creates a PULL in <see cref="ZmqContext.Default"/>.</summary>
    public PullSocket()
        : this(null)
    {
    }

    /// <summary>Creates a PULL whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public PullSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>Receiving is the core's fair queue, unchanged.</summary>
    private sealed class Rules() : Pattern(inprocProducersMaySkipFences: true)
    {
        public override ZmqSocketType Type => ZmqSocketType.Pull;
    }
}
