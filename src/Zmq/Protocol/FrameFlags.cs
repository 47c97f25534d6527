namespace Zmq.Protocol;

/// <summary>The flags octet of a ZMTP frame.</summary>
internal static class FrameFlags
{
    public const byte More = 0x01;
    public const byte Long = 0x02;
    public const byte Command = 0x04;
    public const byte Reserved = 0xF8;

    /// <summary>Largest body that fits the one-octet size form.</summary>
    public const int ShortMax = 255;

    /// <summary>A long frame's header: flags and an 8-byte size.</summary>
    public const int LongHeaderSize = 9;

    public static int HeaderSize(long bodySize) => bodySize > ShortMax ? 9 : 2;
}
