using System.Buffers;

namespace Zmq.Messages;

/// <summary>
/// Buffers for outgoing payloads. A sender rents on its own thread and the write loop returns on
/// another, up to a whole high-water mark apart: the shared pool's per-thread and per-core caches
/// cannot bridge that and would allocate on nearly every send. So payloads up to 8 KiB come from a
/// pool deep enough for thousands per size, and larger ones up to 1 MiB from a pool that keeps up
/// to 16 MiB per size (a queue of 256 messages of 64 KiB); beyond that the shared pool.
/// </summary>
internal static class BufferPool
{
    private const int SmallLimit = 8 * 1024;
    private const int LargeLimit = 1024 * 1024;
    private const int LargeBytesPerSize = 16 * 1024 * 1024;

    private static readonly ArrayPool<byte> Small = ArrayPool<byte>.Create(SmallLimit, 4096);
    private static readonly LargeBucket[] Large = CreateLargeBuckets();

    public static byte[] Rent(int size)
    {
        if (size <= SmallLimit)
        {
            return Small.Rent(size);
        }
        return size <= LargeLimit ? Large[BucketIndex(size)].Rent() : ArrayPool<byte>.Shared.Rent(size);
    }

    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= SmallLimit)
        {
            Small.Return(buffer);
        }
        else if (buffer.Length <= LargeLimit && int.IsPow2(buffer.Length))
        {
            Large[BucketIndex(buffer.Length)].Return(buffer);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Bucket 0 holds 16 KiB arrays, each next one twice the size.</summary>
    private static int BucketIndex(int size) => System.Numerics.BitOperations.Log2((uint)size - 1) + 1 - 14;

    private static LargeBucket[] CreateLargeBuckets()
    {
        var buckets = new LargeBucket[BucketIndex(LargeLimit) + 1];
        for (int i = 0; i < buckets.Length; i++)
        {
            int size = 16 * 1024 << i;
            buckets[i] = new LargeBucket(size, LargeBytesPerSize / size);
        }
        return buckets;
    }

    private sealed class LargeBucket(int size, int capacity)
    {
        private readonly Lock _lock = new();
        private readonly byte[]?[] _items = new byte[]?[capacity];
        private int _count;

        public byte[] Rent()
        {
            lock (_lock)
            {
                if (_count > 0)
                {
                    var b = _items[--_count]!;
                    _items[_count] = null;
                    return b;
                }
            }
            return GC.AllocateUninitializedArray<byte>(size);
        }

        public void Return(byte[] buffer)
        {
            lock (_lock)
            {
                if (_count < _items.Length)
                {
                    _items[_count++] = buffer;
                }
            }
        }
    }
}
