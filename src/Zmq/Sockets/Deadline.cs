namespace Zmq.Sockets;

/// <summary>A point in time a blocking call gives up at; infinite for a negative timeout.</summary>
internal readonly struct Deadline
{
    private readonly long _at;

    private Deadline(long at) => _at = at;

    public static Deadline After(TimeSpan timeout) =>
        new(timeout < TimeSpan.Zero ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds);

    public bool HasExpired => _at != long.MaxValue && Environment.TickCount64 >= _at;

    /// <summary>Time left, or an infinite wait.</summary>
    public TimeSpan Remaining => _at == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, _at - Environment.TickCount64));
}
