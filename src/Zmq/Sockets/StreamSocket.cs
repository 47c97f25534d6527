using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// STREAM (libzmq ZMQ_STREAM): talks to plain tcp or ipc peers that speak no ZMTP, such as HTTP
/// clients or a device's line protocol. Each received message is two frames: the identity of the
/// connection (5 bytes of this socket's making, or <see cref="ZmqSocket.ConnectRoutingId"/>), then
/// the bytes that arrived (as the kernel handed them over: one write of the peer may come as several
/// messages, several as one). A connection's start and end each arrive as a message with an empty
/// second frame, unless <see cref="StreamNotify"/> is off. To send, name the connection in the first
/// frame; the frames after it go out as bytes, concatenated, with nothing added. A message whose
/// bytes total zero closes that connection once what was sent before it is out. Sending to an
/// identity no connection has throws <see cref="HostUnreachableException"/>; to a connection whose
/// queue is full, waits. inproc is refused (it has no raw peers).
/// <para>Threads: whole-message sends and receives (<c>SendMultipart</c>, <c>ReceiveMultipart</c>),
/// Bind, Connect and Dispose are safe from many threads at once; a message sent or received frame by
/// frame belongs to one thread until its last frame (<see cref="ZmqSocket.IsThreadSafe"/> is false).
/// Options are not synchronised: set them before Bind and Connect.</para>
/// </summary>
public sealed class StreamSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates a STREAM in <see cref="ZmqContext.Default"/>.</summary>
    public StreamSocket()
        : this(null)
    {
    }

    /// <summary>Creates a STREAM whose endpoints' settings come from <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public StreamSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>libzmq ZMQ_STREAM_NOTIFY; default true: each connection's start and end arrive as a
    /// message of its identity and an empty frame. (The end of one this side closed by disposing or
    /// disconnecting arrives not.) Read as each connection starts and ends.</summary>
    public bool StreamNotify { get; set; } = true;

    private sealed class Rules : IdentityRoutingPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Stream;

        public override bool RawPeers => true;

        // The application asked for this peer by name: a misspelt one must not vanish silently.
        protected override bool Mandatory => true;

        public override byte[]? MessageOnConnect(Pipe pipe) => ((StreamSocket)Owner).StreamNotify ? [] : null;

        public override byte[]? MessageOnConnectionLost(Pipe pipe) => ((StreamSocket)Owner).StreamNotify ? [] : null;
    }
}
