using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// PEER (RFC 51): talks to PEER peers, each known by a non-zero 32-bit routing id, as SERVER knows
/// its CLIENTs; unlike SERVER it also dials out, and <see cref="ConnectPeer"/> returns the id of the
/// peer it dials at once, so the first message can be sent before the connection is up (it waits in
/// that peer's queue). Every received message carries its sender's <see cref="Message.RoutingId"/>;
/// a send names one. An unknown id gives <see cref="HostUnreachableException"/>; a full peer queue
/// makes the send wait, never drop. Single-frame messages only.
/// <para>Thread-safe: any number of threads may send, receive, bind, connect, list or disconnect
/// peers and dispose at once (<see cref="ZmqSocket.IsThreadSafe"/>). Options are not synchronised:
/// set them before Bind and Connect (see <see cref="ZmqSocket"/>).</para>
/// </summary>
public sealed class PeerSocket : ZmqSocket, IRoutingIdSendingSocket, IReceivingSocket
{
    private readonly Rules _rules;

    /// <summary>Creates a PEER in <see cref="ZmqContext.Default"/>.</summary>
    public PeerSocket()
        : this(null)
    {
    }

    /// <summary>Creates a PEER whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public PeerSocket(ZmqContext? context)
        : base(context, new Rules())
    {
        _rules = (Rules)Pattern;
    }

    /// <summary>Connects to <paramref name="endpoint"/> as <see cref="ZmqSocket.Connect"/> does and
    /// returns the routing id of the peer there (libzmq <c>zmq_connect_peer</c>). The id is valid at
    /// once and across reconnects: messages sent to it wait in its queue until the peer is up.</summary>
    /// <exception cref="InvalidOperationException"><see cref="ZmqSocket.Immediate"/> is on: the peer
    /// then has no queue, so no id, before it connects.</exception>
    /// <exception cref="InvalidEndpointException">The endpoint is malformed.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public uint ConnectPeer(string endpoint)
    {
        if (Immediate)
        {
            throw new InvalidOperationException("ConnectPeer needs Immediate off (libzmq refuses it too): with Immediate a peer has no queue, so no routing id, until it connects; use Connect and take the id from its first message");
        }
        return ConnectCore(endpoint).RoutingId;
    }

    /// <summary>A message the application receives, tagged with the peer's routing id, when a tcp or
    /// ipc connection this socket made, and whose handshake succeeded, is lost (libzmq
    /// ZMQ_HICCUP_MSG); default null = none. The endpoint is re-dialled and keeps its id.</summary>
    public byte[]? HiccupMessage { get; set; }

    /// <inheritdoc cref="ServerSocket.DisconnectMessage"/>
    public byte[]? DisconnectMessage { get; set; }

    /// <inheritdoc cref="ServerSocket.DisconnectPeer"/>
    public bool DisconnectPeer(uint routingId) => DisconnectPeer(_rules.Routes, routingId);

    /// <inheritdoc cref="ServerSocket.GetPeer"/>
    public PeerInfo? GetPeer(uint routingId) => PeerOf(_rules.Routes, routingId);

    /// <inheritdoc cref="ServerSocket.PeerCount"/>
    public int PeerCount => CountPeers(_rules.Routes);

    /// <inheritdoc cref="ServerSocket.Peers"/>
    public IReadOnlyList<uint> Peers => PeerIds(_rules.Routes);

    private sealed class Rules : RoutingIdPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Peer;

        public override byte[]? MessageOnConnectionLost(Pipe pipe)
        {
            var socket = (PeerSocket)Owner;
            return pipe.IsConnectSide ? socket.HiccupMessage : socket.DisconnectMessage;
        }
    }
}
