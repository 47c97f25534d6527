using System.Diagnostics;

namespace Zmq.Engine;

/// <summary>Debug builds: the lock under which one side of a data structure is used (a pipe's
/// outbound producers, a fair queue's consumers; CONCURRENCY.md section 4), asserted where that side
/// acts. Release builds keep nothing and check nothing.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Instance data in debug builds only.")]
internal struct LockOwnership
{
#if DEBUG
    private ShortLock? _lock;
#endif

    [Conditional("DEBUG")]
    public void Set(ShortLock owner)
    {
#if DEBUG
        _lock = owner;
#endif
    }

    /// <summary>Asserts that the calling thread holds the lock, once one is set.</summary>
    [Conditional("DEBUG")]
    public readonly void Check(string rule)
    {
#if DEBUG
        Debug.Assert(_lock is null || _lock.IsHeldByCurrentThread, rule);
#endif
    }
}
