namespace Zmq.Sockets;

/// <summary>
/// Where application threads wait for a socket to become readable or writable, sync or async.
/// A waiter registers, re-checks its condition, then sleeps; a producer pulses only when someone is
/// registered, so the fast path costs one volatile read. One waiter is woken per pulse; a woken
/// waiter that leaves work behind pulses again (chain wake), avoiding a thundering herd.
/// </summary>
internal sealed class WaitGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0);
    private int _waiters;

    public bool HasWaiters => Volatile.Read(ref _waiters) > 0;

    public void Enter() => Interlocked.Increment(ref _waiters);

    public void Exit() => Interlocked.Decrement(ref _waiters);

    /// <summary>Call after making the condition true.</summary>
    public void Pulse()
    {
        Interlocked.MemoryBarrier();
        PulseFenced();
    }

    /// <summary><see cref="Pulse"/> for a caller that has just issued a full fence itself.</summary>
    public void PulseFenced()
    {
        if (Volatile.Read(ref _waiters) > 0 && _semaphore.CurrentCount == 0)
        {
            _semaphore.Release();
        }
    }

    /// <summary>Wakes every waiter (the socket is closing).</summary>
    public void PulseAll()
    {
        int n = Volatile.Read(ref _waiters);
        _semaphore.Release(Math.Max(n, 1));
    }

    public bool Wait(TimeSpan timeout) => _semaphore.Wait(timeout);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);

    public void Dispose() => _semaphore.Dispose();
}
