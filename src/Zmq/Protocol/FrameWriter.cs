using System.Buffers.Binary;

namespace Zmq.Protocol;

/// <summary>Writes ZMTP frames into caller-owned memory. Pure: no I/O, no allocation.</summary>
internal static class FrameWriter
{
    /// <summary>Writes a frame header and returns its length (2 or 9 bytes).</summary>
    public static int WriteHeader(Span<byte> destination, long bodySize, byte flags)
    {
        if (bodySize > FrameFlags.ShortMax)
        {
            destination[0] = (byte)(flags | FrameFlags.Long);
            BinaryPrimitives.WriteInt64BigEndian(destination[1..], bodySize);
            return 9;
        }
        destination[0] = flags;
        destination[1] = (byte)bodySize;
        return 2;
    }

    /// <summary>Writes a whole frame; the destination must have room for header and body.</summary>
    public static int WriteFrame(Span<byte> destination, ReadOnlySpan<byte> body, byte flags)
    {
        int h = WriteHeader(destination, body.Length, flags);
        body.CopyTo(destination[h..]);
        return h + body.Length;
    }

    public static int FrameSize(int bodySize) => FrameFlags.HeaderSize(bodySize) + bodySize;
}
