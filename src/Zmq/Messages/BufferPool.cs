using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;

namespace Zmq.Messages;

/// <summary>
/// Buffers for payloads too big to be inline. A sender rents on its own thread and a write loop
/// returns on another, a whole high-water mark apart (and the same for a read loop and a receiver),
/// so the shared pool's per-thread and per-core caches cannot bridge the two and would allocate on
/// nearly every message. Here each power-of-two size from 128 B to 1 MiB has one queue deep enough
/// for a full queue of such messages in flight. Beyond 1 MiB the shared pool serves.
///
/// Depth is never a cost for long: every few seconds each size that was never found empty gives
/// back half of what it holds, so what the pool keeps follows what is in flight.
/// </summary>
internal static class BufferPool
{
    public const int LargeLimit = 1024 * 1024;

    private const int MinShift = 7;
    private const int MinCount = 4096;
    private const int BytesPerSize = 128 * 1024 * 1024;
    private static readonly TimeSpan TrimPeriod = TimeSpan.FromSeconds(5);

    private static readonly Bucket[] Buckets = CreateBuckets();

    // Runs for the life of the process, like the shared pool's trimming; a few microseconds a period.
    private static readonly Timer Trimmer = new(_ => TrimAll(), null, TrimPeriod, TrimPeriod);

    public static byte[] Rent(int size) =>
        size <= LargeLimit ? Buckets[BucketIndex(size)].Rent() : ArrayPool<byte>.Shared.Rent(size);

    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= LargeLimit)
        {
            // Arrays of other lengths (a received exact-size body) are not the pool's; the GC has them.
            if (buffer.Length >= 1 << MinShift && BitOperations.IsPow2(buffer.Length))
            {
                Buckets[BucketIndex(buffer.Length)].Return(buffer);
            }
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Bucket 0 holds 128-byte arrays, each next one twice the size.</summary>
    private static int BucketIndex(int size) => size <= 1 << MinShift ? 0 : BitOperations.Log2((uint)size - 1) + 1 - MinShift;

    /// <summary>Drops, in every size, the buffers nobody rented since the previous trim.</summary>
    internal static void TrimAll()
    {
        GC.KeepAlive(Trimmer);
        foreach (var b in Buckets)
        {
            b.Trim();
        }
    }

    private static Bucket[] CreateBuckets()
    {
        var buckets = new Bucket[BucketIndex(LargeLimit) + 1];
        for (int i = 0; i < buckets.Length; i++)
        {
            int size = 1 << (MinShift + i);
            buckets[i] = new Bucket(size, Math.Max(MinCount, BytesPerSize / size));
        }
        return buckets;
    }

    /// <summary>
    /// Same-size arrays in a lock-free queue: renters take from its head and returners (usually
    /// another thread) add at its tail, so the two never contend for one lock or one cache line.
    /// The size is checked against the capacity every few returns, not on each.
    /// </summary>
    internal sealed class Bucket(int size, int capacity)
    {
        private const int ReturnsPerCapacityCheck = 16;

        private readonly ConcurrentQueue<byte[]> _items = new();

        /// <summary>Set when a rent found the bucket empty since the last trim.</summary>
        private int _missed;

        private int _returnsSinceCheck;
        private bool _full;

        public int Count => _items.Count;

        public byte[] Rent()
        {
            if (_items.TryDequeue(out var b))
            {
                return b;
            }
            Volatile.Write(ref _missed, 1);
            return GC.AllocateUninitializedArray<byte>(size);
        }

        public void Return(byte[] buffer)
        {
            // Returners race on this counter harmlessly: it only paces the capacity check.
            if (++_returnsSinceCheck >= ReturnsPerCapacityCheck)
            {
                _returnsSinceCheck = 0;
                _full = _items.Count >= capacity;
            }
            if (!_full)
            {
                _items.Enqueue(buffer);
            }
        }

        /// <summary>A bucket whose renters never found it empty since the last trim holds more than
        /// they need: half of it goes, so idle buckets shrink to nothing within a minute, and a
        /// bucket that did run dry keeps all it has.</summary>
        public void Trim()
        {
            if (Interlocked.Exchange(ref _missed, 0) != 0)
            {
                return;
            }
            for (int drop = (_items.Count + 1) / 2; drop > 0 && _items.TryDequeue(out _); drop--)
            {
            }
            _full = false;
        }
    }
}
