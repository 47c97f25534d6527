namespace Zmq;

/// <summary>An endpoint string could not be understood or used: malformed, a bind host that is
/// neither an address, an interface nor a name that resolves, or, for Unbind and Disconnect, not
/// bound or connected on this socket.</summary>
public class InvalidEndpointException(string message) : ArgumentException(message);
