namespace Zmq;

/// <summary>An endpoint string could not be understood.</summary>
public class InvalidEndpointException(string message) : ArgumentException(message);
