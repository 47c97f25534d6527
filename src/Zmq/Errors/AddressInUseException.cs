namespace Zmq;

/// <summary>Bind found the endpoint already in use (libzmq EADDRINUSE): a tcp port, an abstract ipc
/// name, or an inproc name bound in the same context.</summary>
public sealed class AddressInUseException(string message, Exception? inner = null) : ZmqException(ZmqError.AddressInUse, message, inner);
