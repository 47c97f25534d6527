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

/// <summary>A receive into a caller's buffer found the next message longer than the buffer. The
/// message stays queued, whole: receive again with a buffer of at least <see cref="MessageLength"/>
/// bytes, or as a <see cref="Message"/>. (libzmq truncates instead; here nothing is lost.)</summary>
public sealed class BufferTooSmallException(int messageLength, int bufferLength)
    : ArgumentException($"the next message is {messageLength} bytes but the buffer holds {bufferLength}: it stays queued; receive it with a buffer of at least {messageLength} bytes, or with Receive() as a Message")
{
    /// <summary>The length of the message still waiting.</summary>
    public int MessageLength { get; } = messageLength;
}

/// <summary>What a receive into a caller's buffer got: the message's length and, on a SERVER, the
/// routing id of the peer that sent it (zero elsewhere).</summary>
public readonly record struct ReceiveResult(int Length, uint RoutingId)
{
    /// <summary>On a socket with multipart messages: another frame of the same message follows.</summary>
    public bool More { get; init; }
}
