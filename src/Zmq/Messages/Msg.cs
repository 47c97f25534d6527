namespace Zmq.Messages;

/// <summary>A message as it sits in a pipe. Outgoing payloads are rented from the shared pool
/// (returned once written to the wire); incoming ones are exact-size arrays handed to the user.</summary>
internal struct Msg
{
    public byte[] Buffer;
    public int Length;
    public uint RoutingId;
    public bool Pooled;
    public bool More;

    public readonly ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    public static Msg CopyOf(ReadOnlySpan<byte> data, bool more = false)
    {
        if (data.Length == 0)
        {
            return new Msg { Buffer = [], More = more };
        }
        var buffer = BufferPool.Rent(data.Length);
        data.CopyTo(buffer);
        return new Msg { Buffer = buffer, Length = data.Length, Pooled = true, More = more };
    }

    public static Msg Wrap(byte[] data, bool more = false) => new() { Buffer = data, Length = data.Length, More = more };

    /// <summary>Returns a pooled payload; call once, after the bytes are no longer needed.</summary>
    public void Release()
    {
        if (Pooled)
        {
            BufferPool.Return(Buffer);
        }
        this = default;
    }
}
