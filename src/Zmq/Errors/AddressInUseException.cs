namespace Zmq;

/// <summary>Bind found the endpoint already in use (libzmq EADDRINUSE).</summary>
public sealed class AddressInUseException(string message, Exception? inner = null) : ZmqException(ZmqError.AddressInUse, message, inner);
