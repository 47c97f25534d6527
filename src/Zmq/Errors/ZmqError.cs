namespace Zmq;

/// <summary>The libzmq error a <see cref="ZmqException"/> corresponds to.</summary>
public enum ZmqError
{
    /// <summary>EADDRINUSE: the endpoint is already bound.</summary>
    AddressInUse,
    /// <summary>EHOSTUNREACH: no connected peer has the routing id.</summary>
    HostUnreachable,
    /// <summary>EADDRNOTAVAIL and friends: the OS refused a bind for a reason other than the address
    /// being in use (an address not on this machine, a port that needs privileges). A host name that
    /// does not resolve is an <see cref="InvalidEndpointException"/> instead.</summary>
    AddressNotAvailable,
}
