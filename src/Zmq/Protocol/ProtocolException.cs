namespace Zmq.Protocol;

/// <summary>A peer broke the ZMTP rules. It ends that one connection, never the socket.</summary>
internal sealed class ProtocolException(string message) : Exception(message);
