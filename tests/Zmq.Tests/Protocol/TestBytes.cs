namespace Zmq.Tests.Protocol;

/// <summary>Lets test vectors be written exactly as the ZMTP digest prints them.</summary>
internal static class TestBytes
{
    /// <summary>Parses space-separated hex octets, e.g. <c>"04 1C 05"</c>.</summary>
    public static byte[] Hex(string octets) => Convert.FromHexString(octets.Replace(" ", "", StringComparison.Ordinal));

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>Deterministic, position-dependent filler so a misplaced or dropped byte shows up.</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (i >> 8) + 7);
        }
        return bytes;
    }
}
