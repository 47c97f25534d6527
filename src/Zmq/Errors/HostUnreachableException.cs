namespace Zmq;

/// <summary>A send named a routing id that no connected peer has (libzmq EHOSTUNREACH).</summary>
public sealed class HostUnreachableException(string message) : ZmqException(ZmqError.HostUnreachable, message);
