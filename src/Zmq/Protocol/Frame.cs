namespace Zmq.Protocol;

/// <summary>One decoded frame. The body array is exactly the frame's size and owned by the receiver.</summary>
internal readonly struct Frame(byte flags, byte[] body)
{
    public byte Flags { get; } = flags;
    public byte[] Body { get; } = body;
    public bool More => (Flags & FrameFlags.More) != 0;
    public bool IsCommand => (Flags & FrameFlags.Command) != 0;
}
