using System.Runtime.CompilerServices;

namespace Zmq.Engine;

/// <summary>
/// Mutual exclusion for critical sections of a few dozen instructions that never block (a socket's
/// send or receive step, a pool's push or pop). Entering is one compare-exchange and leaving one
/// plain store: no thread-id lookup and no second atomic, which on the per-message path of a
/// thread-safe socket is measurable. A waiter spins, then yields; it never sleeps for a tick, so a
/// preempted holder on a busy machine costs a time slice, not a millisecond.
/// </summary>
internal sealed class ShortLock
{
    private int _held;

    /// <summary>Use as <c>using (x.Enter()) { ... }</c>.</summary>
    public Scope Enter()
    {
        if (Interlocked.CompareExchange(ref _held, 1, 0) != 0)
        {
            EnterContended();
        }
        NoteOwner(Environment.CurrentManagedThreadId);
        return new Scope(this);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        var spin = new SpinWait();
        do
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _held) != 0 || Interlocked.CompareExchange(ref _held, 1, 0) != 0);
    }

    private void Exit()
    {
        System.Diagnostics.Debug.Assert(_held == 1, "ShortLock left without being held");
        NoteOwner(0);
        Volatile.Write(ref _held, 0);
    }

#if DEBUG
    private int _owner;

    /// <summary>Debug builds: whether the calling thread holds the lock (ownership asserts in the
    /// queues and the fair queue, CONCURRENCY.md section 4). Release builds do not track it.</summary>
    public bool IsHeldByCurrentThread => Volatile.Read(ref _owner) == Environment.CurrentManagedThreadId;
#endif

    [System.Diagnostics.Conditional("DEBUG")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Instance data in debug builds only.")]
    private void NoteOwner(int thread)
    {
#if DEBUG
        _owner = thread;
#endif
    }

    public readonly ref struct Scope(ShortLock owner)
    {
        public void Dispose() => owner.Exit();
    }
}
