using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// CLIENT (RFC 41): talks to SERVER peers. Sends round-robin to its peers; a message sent before any
/// connection exists waits in the queue of one connecting endpoint (round-robin, as every message),
/// and goes out once that endpoint connects; at the high-water mark a send
/// waits (up to <see cref="ZmqSocket.SendTimeout"/>) and never drops. Receives fair-queued replies.
/// Single-frame messages only.
/// <para>Thread-safe: any number of threads may send, receive, bind, connect and dispose at once
/// (<see cref="ZmqSocket.IsThreadSafe"/>). Replies come to whichever receive call is waiting, not
/// necessarily on the thread that sent the request. Options are not synchronised: set them before
/// Bind and Connect (see <see cref="ZmqSocket"/>).</para>
/// </summary>
public sealed class ClientSocket : ZmqSocket, ISendingSocket, IReceivingSocket
{
    /// <summary>Creates a CLIENT in <see cref="ZmqContext.Default"/>.</summary>
    public ClientSocket()
        : this(null)
    {
    }

    /// <summary>Creates a CLIENT whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public ClientSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>A message the application receives when a tcp or ipc connection this socket made,
    /// and whose handshake succeeded, is lost (libzmq ZMQ_HICCUP_MSG); default null = none. The
    /// endpoint is then re-dialled, unless its peer broke the protocol or
    /// <see cref="ZmqSocket.ReconnectInterval"/> is negative. Not delivered when this side closes the
    /// connection (Disconnect, Dispose). Inproc connections are never lost this way and deliver none.
    /// Read, and copied, at each loss: a change applies from the next one.</summary>
    public byte[]? HiccupMessage { get; set; }

    private sealed class Rules : LoadBalancedPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Client;

        public override byte[]? MessageOnConnectionLost(Pipe pipe) => pipe.IsConnectSide ? ((ClientSocket)Owner).HiccupMessage : null;
    }
}
