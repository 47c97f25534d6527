namespace Zmq.Sockets;

/// <summary>A point in time a blocking call gives up at; infinite for a negative timeout.</summary>
internal readonly struct Deadline
{
    private readonly long _at;

    private Deadline(long at) => _at = at;

    public static Deadline After(TimeSpan timeout) =>
        new(timeout < TimeSpan.Zero ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds);

    public bool HasExpired => _at != long.MaxValue && Environment.TickCount64 >= _at;

    /// <summary>Time left, or an infinite wait. At most int.MaxValue ms (about 24.8 days), the longest
    /// one wait can be: a longer timeout is waited out in slices, as the callers loop until expiry.</summary>
    public TimeSpan Remaining => _at == long.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Clamp(_at - Environment.TickCount64, 0, int.MaxValue));
}
