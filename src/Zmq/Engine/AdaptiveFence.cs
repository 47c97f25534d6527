namespace Zmq.Engine;

/// <summary>
/// The consumer's half of an asymmetric Dekker pairing that adapts to the traffic. A producer
/// publishes a message, then reads the consumer's flag; the consumer sets its flag, fences, then
/// looks for messages. While messages stream, producers skip their fence (<see cref="IsAsymmetric"/>)
/// and the consumer, which then goes idle rarely, fences with a process-wide barrier instead; after
/// <see cref="SparseToPlain"/> consecutive idle moments with little traffic both sides go back to
/// plain fences, cheaper where the consumer idles after every message. Touched by the consumer
/// only, apart from the producers' reads of the mode.
/// </summary>
internal struct AdaptiveFence
{
    /// <summary>Messages between two idle moments of the consumer that mark the traffic as streaming.</summary>
    public const int StreamingRun = 256;

    private const int SparseToPlain = 16;

    private int _asymmetric;
    private int _sparse;

    /// <summary>Producer side: whether it may skip its fence. A producer that skipped reads this
    /// again after the consumer's flag, to notice a switch back to plain fences in between.</summary>
    public readonly bool IsAsymmetric => Volatile.Read(in _asymmetric) != 0;

    /// <summary>Consumer, its flag just set: the fence before it looks for messages again, after
    /// choosing the mode. <paramref name="streaming"/>: much traffic since it was last idle.</summary>
    public void Fence(bool streaming)
    {
        if (_asymmetric == 0 && !streaming)
        {
            Interlocked.MemoryBarrier();
            return;
        }
        if (streaming)
        {
            _sparse = 0;
            Volatile.Write(ref _asymmetric, 1);
        }
        else if (++_sparse >= SparseToPlain)
        {
            _sparse = 0;
            Volatile.Write(ref _asymmetric, 0);
        }
        // Also after a switch either way: it covers the producers that read the old mode.
        Interlocked.MemoryBarrierProcessWide();
    }

    /// <summary>Consumer: the fence the current mode asks for, without counting an idle moment.</summary>
    public readonly void FenceInCurrentMode()
    {
        if (IsAsymmetric)
        {
            Interlocked.MemoryBarrierProcessWide();
        }
        else
        {
            Interlocked.MemoryBarrier();
        }
    }
}
