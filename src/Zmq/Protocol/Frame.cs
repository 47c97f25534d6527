namespace Zmq.Protocol;

/// <summary>One decoded frame: the first <see cref="Length"/> bytes of <see cref="Body"/>. The body is
/// exactly that long unless <see cref="Pooled"/>, when it is a rented array (see
/// <see cref="FrameDecoder.PooledBodies"/>) that must go back to the pool once read.</summary>
internal readonly struct Frame(byte flags, byte[] body, int length, bool pooled)
{
    public Frame(byte flags, byte[] body)
        : this(flags, body, body.Length, false)
    {
    }

    public byte Flags { get; } = flags;
    public byte[] Body { get; } = body;
    public int Length { get; } = length;
    public bool Pooled { get; } = pooled;
    public bool More => (Flags & FrameFlags.More) != 0;
    public bool IsCommand => (Flags & FrameFlags.Command) != 0;
}
