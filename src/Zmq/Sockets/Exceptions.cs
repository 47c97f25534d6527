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

/// <summary>A ØMQ operation failed for a reason the application can act on.</summary>
public class ZmqException : Exception
{
    public ZmqException(ZmqError error, string message, Exception? inner = null) : base(message, inner) => Error = error;

    public ZmqError Error { get; }
}

/// <summary>Bind found the endpoint already in use (libzmq EADDRINUSE).</summary>
public sealed class AddressInUseException(string message, Exception? inner = null) : ZmqException(ZmqError.AddressInUse, message, inner);

/// <summary>A send named a routing id that no connected peer has (libzmq EHOSTUNREACH).</summary>
public sealed class HostUnreachableException(string message) : ZmqException(ZmqError.HostUnreachable, message);

/// <summary>An endpoint string could not be understood.</summary>
public class InvalidEndpointException(string message) : ArgumentException(message);

/// <summary>An endpoint names a transport this library does not have (libzmq EPROTONOSUPPORT).</summary>
public sealed class TransportNotSupportedException(string message) : InvalidEndpointException(message);
