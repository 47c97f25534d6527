namespace Zmq;

/// <summary>A ØMQ operation failed for a reason the application can act on.</summary>
public class ZmqException : Exception
{
    /// <summary>An exception for <paramref name="error"/> with a message that says what to do.</summary>
    public ZmqException(ZmqError error, string message, Exception? inner = null) : base(message, inner) => Error = error;

    /// <summary>Which failure this is, for code that handles some and not others.</summary>
    public ZmqError Error { get; }
}
