using System.Buffers;
using System.Numerics;
using Zmq.Engine;

namespace Zmq.Messages;

/// <summary>
/// Buffers for payloads too big to be inline. A sender rents on its own thread and a write loop
/// returns on another, a whole high-water mark apart (and the same for a read loop and a receiver),
/// so the shared pool's per-thread and per-core caches cannot bridge the two and would allocate on
/// nearly every message. Here each power-of-two size from 128 B to 1 MiB has one stack deep enough
/// for a full queue of such messages in flight. Beyond 1 MiB the shared pool serves.
///
/// Depth is never a cost for long: every few seconds each size drops the buffers that were not
/// rented since the last look, so what the pool keeps follows what is in flight.
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

    /// <summary>A stack of same-size arrays: rented from the top, so the bottom holds the ones
    /// longest unused, which are the ones a trim drops.</summary>
    internal sealed class Bucket(int size, int capacity)
    {
        private readonly ShortLock _lock = new();
        private byte[]?[] _items = new byte[]?[16];
        private int _count;

        /// <summary>The fewest buffers held at any point since the last trim: that many were never needed.</summary>
        private int _lowWater;

        public int Count
        {
            get
            {
                using (_lock.Enter())
                {
                    return _count;
                }
            }
        }

        public byte[] Rent()
        {
            using (_lock.Enter())
            {
                if (_count > 0)
                {
                    var b = _items[--_count]!;
                    _items[_count] = null;
                    _lowWater = Math.Min(_lowWater, _count);
                    return b;
                }
                _lowWater = 0;
            }
            return GC.AllocateUninitializedArray<byte>(size);
        }

        public void Return(byte[] buffer)
        {
            using (_lock.Enter())
            {
                if (_count == capacity)
                {
                    return;
                }
                if (_count == _items.Length)
                {
                    Array.Resize(ref _items, Math.Min(capacity, _count * 2));
                }
                _items[_count++] = buffer;
            }
        }

        public void Trim()
        {
            using (_lock.Enter())
            {
                int unused = _lowWater;
                if (unused > 0)
                {
                    Array.Copy(_items, unused, _items, 0, _count - unused);
                    Array.Clear(_items, _count - unused, unused);
                    _count -= unused;
                }
                if (_items.Length > 16 && _count < _items.Length / 4)
                {
                    Array.Resize(ref _items, Math.Max(16, _items.Length / 2));
                }
                _lowWater = _count;
            }
        }
    }
}
