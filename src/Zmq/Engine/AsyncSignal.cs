using System.Threading.Tasks.Sources;

namespace Zmq.Engine;

/// <summary>
/// An auto-reset signal with one async waiter and no allocation per wait: a Set before the wait is
/// remembered, and a Set with nobody waiting costs one compare-exchange. Continuations run on the
/// thread pool so the thread that sets (often an application thread inside Send) never runs the
/// waiter's loop.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private const int Idle = 0;
    private const int Signalled = 1;
    private const int Waiting = 2;

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private int _state;

    public ValueTask WaitAsync()
    {
        if (Interlocked.CompareExchange(ref _state, Idle, Signalled) == Signalled)
        {
            return default;
        }
        _core.Reset();
        if (Interlocked.CompareExchange(ref _state, Waiting, Idle) == Idle)
        {
            return new ValueTask(this, _core.Version);
        }
        // A Set slipped in between the two exchanges.
        Volatile.Write(ref _state, Idle);
        return default;
    }

    public void Set()
    {
        while (true)
        {
            int s = Volatile.Read(ref _state);
            if (s == Signalled)
            {
                return;
            }
            if (s == Idle)
            {
                if (Interlocked.CompareExchange(ref _state, Signalled, Idle) == Idle)
                {
                    return;
                }
            }
            else if (Interlocked.CompareExchange(ref _state, Idle, Waiting) == Waiting)
            {
                _core.SetResult(true);
                return;
            }
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
