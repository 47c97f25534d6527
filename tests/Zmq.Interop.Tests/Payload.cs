using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Zmq.Interop.Tests;

/// <summary>
/// Recognisable message bodies, generated identically by peer.js (<c>payload</c>, <c>digester</c>):
/// either side can rebuild exactly what the other should have sent.
/// </summary>
internal static class Payload
{
    /// <summary>Message <paramref name="index"/> of a stream tagged <paramref name="salt"/>: a pattern
    /// that shifts with index and salt, with (salt, index) big-endian in the first 8 bytes when it fits,
    /// so a misrouted or reordered message cannot compare equal.</summary>
    public static byte[] Make(uint salt, int index, int size)
    {
        var b = new byte[size];
        for (int k = 0; k < size; k++)
        {
            b[k] = (byte)(k * 13 + index * 7 + salt);
        }
        if (size >= 8)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b, salt);
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(4), (uint)index);
        }
        return b;
    }

    /// <summary>The sequence number of a message from <see cref="Make"/> (needs 8 bytes or more).</summary>
    public static int IndexOf(ReadOnlySpan<byte> message) => (int)BinaryPrimitives.ReadUInt32BigEndian(message[4..]);

    /// <summary>Lowercase hex SHA-256 over (u32 big-endian length, bytes) of each message in order,
    /// as peer.js's SERVER reports for what it received.</summary>
    public static string Digest(IEnumerable<byte[]> messages)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var m in messages)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, m.Length);
            hash.AppendData(length);
            hash.AppendData(m);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Fails with a short description (not a megabyte dump) if <paramref name="actual"/> is not exactly <paramref name="expected"/>.</summary>
    public static void AssertSame(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        if (expected.SequenceEqual(actual))
        {
            return;
        }
        int at = expected.CommonPrefixLength(actual);
        Assert.Fail($"{what}: expected {expected.Length} bytes, got {actual.Length}; first difference at byte {at}: "
            + $"got {Around(actual, at)}, expected {Around(expected, at)}");

        static string Around(ReadOnlySpan<byte> bytes, int at) =>
            at >= bytes.Length ? "(end)" : Convert.ToHexString(bytes.Slice(at, Math.Min(16, bytes.Length - at))) + "...";
    }
}
