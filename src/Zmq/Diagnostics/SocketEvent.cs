namespace Zmq;

/// <summary>What happened to a socket's endpoint or connection (libzmq's zmq_socket_monitor events).</summary>
public enum SocketEventType
{
    /// <summary>Bind succeeded; the endpoint accepts connections.</summary>
    Listening,
    /// <summary>Bind failed (the exception is also thrown to the caller).</summary>
    BindFailed,
    /// <summary>A peer's connection was accepted on a bound endpoint (handshake still to come).</summary>
    Accepted,
    /// <summary>A connect attempt reached the peer (handshake still to come).</summary>
    Connected,
    /// <summary>A connect attempt failed; another follows after <see cref="SocketEvent.RetryIn"/>.</summary>
    ConnectRetried,
    /// <summary>The ZMTP handshake succeeded: the peer can now exchange messages.</summary>
    HandshakeSucceeded,
    /// <summary>The handshake failed (see <see cref="SocketEvent.Reason"/>); the connection is closed.</summary>
    HandshakeFailed,
    /// <summary>An established connection ended (see <see cref="SocketEvent.Reason"/>).</summary>
    Disconnected,
    /// <summary>A bound endpoint stopped listening (Unbind or Dispose).</summary>
    Closed,
}

/// <summary>One monitor event. <see cref="Endpoint"/> is the bound or connected endpoint it concerns.
/// Immutable: safe to share between threads.</summary>
public sealed record SocketEvent(SocketEventType Type, string Endpoint)
{
    /// <summary>When the event happened (UTC).</summary>
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>The remote address (e.g. 127.0.0.1:41234) where a connection is concerned.</summary>
    public string? PeerAddress { get; init; }

    /// <summary>The peer's socket type from its READY (e.g. CLIENT), once the handshake succeeded.</summary>
    public string? PeerSocketType { get; init; }

    /// <summary>On a SERVER, the routing id of the peer concerned (0 when none applies).</summary>
    public uint RoutingId { get; init; }

    /// <summary>Why a handshake failed or a connection ended.</summary>
    public string? Reason { get; init; }

    /// <summary>For <see cref="SocketEventType.ConnectRetried"/>: the wait before the next attempt.</summary>
    public TimeSpan? RetryIn { get; init; }

    /// <summary>One line for a log: type, endpoint, then peer, socket type, routing id and reason where known.</summary>
    public override string ToString() =>
        $"{Type} {Endpoint}{(PeerAddress != null ? " peer " + PeerAddress : "")}{(PeerSocketType != null ? " (" + PeerSocketType + ")" : "")}{(RoutingId != 0 ? " id " + RoutingId : "")}{(Reason != null ? ": " + Reason : "")}";
}
