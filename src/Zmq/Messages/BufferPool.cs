using System.Buffers;

namespace Zmq.Messages;

/// <summary>
/// Buffers for outgoing payloads. A sender rents on its own thread and the write loop returns on
/// another, up to a whole high-water mark apart: the shared pool's per-thread caches cannot bridge
/// that and would allocate on nearly every send. Small sizes therefore come from a pool deep enough
/// to hold thousands per size; large ones from the shared pool.
/// </summary>
internal static class BufferPool
{
    private const int SmallLimit = 8 * 1024;
    private static readonly ArrayPool<byte> Small = ArrayPool<byte>.Create(SmallLimit, 4096);

    public static byte[] Rent(int size) => size <= SmallLimit ? Small.Rent(size) : ArrayPool<byte>.Shared.Rent(size);

    public static void Return(byte[] buffer)
    {
        if (buffer.Length <= SmallLimit)
        {
            Small.Return(buffer);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
