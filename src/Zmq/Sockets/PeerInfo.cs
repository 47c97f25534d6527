namespace Zmq;

/// <summary>A connected peer as a SERVER knows it.</summary>
/// <param name="RoutingId">The id its messages carry.</param>
/// <param name="Endpoint">This socket's endpoint the connection belongs to (bound or connected).</param>
/// <param name="PeerAddress">The remote address (libzmq's "Peer-Address").</param>
/// <param name="SocketType">The peer's socket type from its READY (libzmq's "Socket-Type").</param>
public sealed record PeerInfo(uint RoutingId, string Endpoint, string PeerAddress, string? SocketType);
