namespace Zmq;

/// <summary>A socket a <see cref="ZmqPoller"/> found ready, with what it is ready for (only the events
/// it was added with).</summary>
/// <param name="Socket">The ready socket.</param>
/// <param name="Events">What it is ready for.</param>
public readonly record struct PollResult(ZmqSocket Socket, PollEvents Events);
