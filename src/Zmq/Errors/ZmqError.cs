namespace Zmq;

/// <summary>The libzmq error a <see cref="ZmqException"/> corresponds to.</summary>
public enum ZmqError
{
    /// <summary>EADDRINUSE: the endpoint is already bound.</summary>
    AddressInUse,
    /// <summary>EHOSTUNREACH: no connected peer has the routing id.</summary>
    HostUnreachable,
    /// <summary>EADDRNOTAVAIL and friends: the endpoint could not be bound or resolved.</summary>
    AddressNotAvailable,
}
