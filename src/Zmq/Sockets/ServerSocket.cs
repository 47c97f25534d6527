using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// SERVER (RFC 41): talks to CLIENT peers. Every received message carries its sender's non-zero
/// 32-bit <see cref="Message.RoutingId"/>; a reply names that id. An id whose peer is gone gives
/// <see cref="HostUnreachableException"/>; a full peer queue makes the send wait, never drop.
/// Single-frame messages only.
/// <para>Thread-safe: any number of threads may send, receive, bind, connect, list or disconnect
/// peers and dispose at once (<see cref="ZmqSocket.IsThreadSafe"/>). Options are not synchronised:
/// set them before Bind and Connect (see <see cref="ZmqSocket"/>).</para>
/// </summary>
public sealed class ServerSocket : ZmqSocket, IRoutingIdSendingSocket, IReceivingSocket
{
    private readonly Rules _rules;

    /// <summary>Creates a SERVER in <see cref="ZmqContext.Default"/>.</summary>
    public ServerSocket()
        : this(null)
    {
    }

    /// <summary>Creates a SERVER whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public ServerSocket(ZmqContext? context)
        : base(context, new Rules())
    {
        _rules = (Rules)Pattern;
    }

    /// <summary>A message the application receives, tagged with the departed peer's routing id, when a
    /// peer's tcp or ipc connection is lost after its handshake succeeded (libzmq ZMQ_DISCONNECT_MSG);
    /// default null = none. Not delivered for connections this side closes
    /// (<see cref="DisconnectPeer"/>, Unbind, Disconnect, Dispose), nor for inproc peers. Read, and
    /// copied, at each loss: a change applies from the next one.</summary>
    public byte[]? DisconnectMessage { get; set; }

    /// <summary>Closes the connection of the peer with this routing id, dropping what is queued for it.
    /// When it returns the id of an accepted peer is gone: <see cref="Peers"/> no longer lists it and
    /// sends to it throw <see cref="HostUnreachableException"/>. (A peer this SERVER connected to is
    /// re-dialled and keeps its id.) Returns false when no connected tcp or ipc peer has the id
    /// (inproc peers included: they have no connection to close).</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public bool DisconnectPeer(uint routingId) => DisconnectPeer(_rules.Routes, routingId);

    /// <summary>What is known about a connected tcp or ipc peer: its address, socket type and
    /// endpoint. Null when no such peer has the id: gone, an endpoint this SERVER connected to that is
    /// down now, or an inproc peer. Never throws, even once the socket is disposed.</summary>
    public PeerInfo? GetPeer(uint routingId) => PeerOf(_rules.Routes, routingId);

    /// <summary>How many peers the socket can address now, counted as <see cref="Peers"/> lists them;
    /// unlike it, copies nothing.</summary>
    public int PeerCount => CountPeers(_rules.Routes);

    /// <summary>The routing ids the socket can send to now (a copy, made on each call; for just how
    /// many, read <see cref="PeerCount"/>): its accepted and inproc peers, and each endpoint it
    /// connected to, which has its id from Connect on and keeps it across reconnects, so it is listed
    /// even while down (unless <see cref="ZmqSocket.Immediate"/>). Another thread may change the set
    /// as soon as this returns.</summary>
    public IReadOnlyList<uint> Peers => PeerIds(_rules.Routes);

    private sealed class Rules : RoutingIdPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Server;

        public override byte[]? MessageOnConnectionLost(Pipe pipe) => ((ServerSocket)Owner).DisconnectMessage;
    }
}
