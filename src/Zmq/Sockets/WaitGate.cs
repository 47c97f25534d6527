namespace Zmq.Sockets;

/// <summary>
/// Where application threads wait for a socket to become readable or writable, sync or async.
/// A waiter registers, re-checks its condition, then sleeps; a producer pulses only when someone is
/// registered, so the fast path costs one volatile read. One waiter is woken per pulse; a woken
/// waiter that leaves work behind pulses again (chain wake), avoiding a thundering herd.
/// <para>Observers (readiness waits, pollers) are told of every pulse, all of them: each only
/// re-checks a state and takes nothing, so one woken observer cannot pass the news on for another.</para>
/// </summary>
internal sealed class WaitGate : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0);
    private int _waiters;
    private int _observers;

    /// <summary>Completed, and replaced, at each pulse while someone observes.</summary>
    private TaskCompletionSource? _changed;

    private Action[] _subscribers = [];

    /// <summary>Whether anyone (a waiter or an observer) must hear of a pulse.</summary>
    public bool HasWaiters => Volatile.Read(ref _waiters) > 0 || Volatile.Read(ref _observers) > 0;

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
        if (Volatile.Read(ref _observers) > 0)
        {
            TellObservers();
        }
    }

    /// <summary>Wakes every waiter and observer (the socket is closing).</summary>
    public void PulseAll()
    {
        int n = Volatile.Read(ref _waiters);
        _semaphore.Release(Math.Max(n, 1));
        TellObservers();
    }

    public bool Wait(TimeSpan timeout) => _semaphore.Wait(timeout);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _semaphore.WaitAsync(timeout, ct);

    /// <summary>Starts observing: the task completes at the next pulse. The caller then checks its
    /// condition (registering first, as a waiter does, so that a pulse in between is not missed),
    /// awaits the task if the condition is false, and calls <see cref="EndObserve"/> at the end.</summary>
    public Task BeginObserve()
    {
        Interlocked.Increment(ref _observers);
        while (true)
        {
            var current = Volatile.Read(ref _changed);
            if (current != null)
            {
                return current.Task;
            }
            var fresh = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Interlocked.CompareExchange(ref _changed, fresh, null) == null)
            {
                return fresh.Task;
            }
        }
    }

    public void EndObserve() => Interlocked.Decrement(ref _observers);

    /// <summary>Calls <paramref name="onPulse"/> at every pulse from now on (a poller's wake-up):
    /// it runs on the pulsing thread, so it must only signal, never block.</summary>
    public void Subscribe(Action onPulse)
    {
        lock (_semaphore)
        {
            _subscribers = [.. _subscribers, onPulse];
        }
        Interlocked.Increment(ref _observers);
    }

    public void Unsubscribe(Action onPulse)
    {
        lock (_semaphore)
        {
            int i = Array.IndexOf(_subscribers, onPulse);
            if (i < 0)
            {
                return;
            }
            _subscribers = [.. _subscribers[..i], .. _subscribers[(i + 1)..]];
        }
        Interlocked.Decrement(ref _observers);
    }

    private void TellObservers()
    {
        Interlocked.Exchange(ref _changed, null)?.TrySetResult();
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            s();
        }
    }

    public void Dispose() => _semaphore.Dispose();
}
