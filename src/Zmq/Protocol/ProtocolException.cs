namespace Zmq.Protocol;

/// <summary>A peer broke the ZMTP rules. It ends that one connection, never the socket.
/// <see cref="Kind"/> names the rule for the metrics (zmq.failure.reason): malformed, greeting,
/// socket_type, mechanism or refused.</summary>
internal sealed class ProtocolException(string message, string kind = ProtocolException.Malformed) : Exception(message)
{
    public const string Malformed = "malformed";
    public const string Greeting = "greeting";
    public const string SocketType = "socket_type";
    public const string Mechanism = "mechanism";
    public const string Refused = "refused";

    public string Kind { get; } = kind;
}
