namespace Zmq;

/// <summary>A ØMQ operation failed for a reason the application can act on.</summary>
public class ZmqException : Exception
{
    public ZmqException(ZmqError error, string message, Exception? inner = null) : base(message, inner) => Error = error;

    public ZmqError Error { get; }
}
