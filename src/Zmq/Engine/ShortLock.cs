using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Zmq.Engine;

/// <summary>
/// Mutual exclusion for critical sections of a few dozen instructions that never block (a socket's
/// send or receive step, a pool's push or pop). Entering is one compare-exchange and leaving one
/// plain store: no thread-id lookup and no second atomic, which on the per-message path of a
/// thread-safe socket is measurable. A waiter spins, then yields; it never sleeps for a tick, so a
/// preempted holder on a busy machine costs a time slice, not a millisecond.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal sealed class ShortLock
{
    // A socket's send and receive locks are taken per message by different threads and are
    // allocated side by side: the padding keeps each flag on a cache line of its own, wherever the
    // two objects land (objects are 8-byte aligned, not 64).
#pragma warning disable CS0169, IDE0051
    private long _before0, _before1, _before2, _before3, _before4, _before5, _before6;
    private int _held;
    private int _padInt;
    private long _after0, _after1, _after2, _after3, _after4, _after5, _after6;
#pragma warning restore CS0169, IDE0051

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
