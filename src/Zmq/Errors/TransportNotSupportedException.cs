namespace Zmq;

/// <summary>An endpoint names a transport this library does not have (libzmq EPROTONOSUPPORT).</summary>
public sealed class TransportNotSupportedException(string message) : InvalidEndpointException(message);
