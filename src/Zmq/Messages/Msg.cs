using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Zmq.Messages;

/// <summary>
/// A message as it sits in a pipe. Payloads up to <see cref="InlineCapacity"/> bytes live inside
/// the struct itself (as libzmq's "very small messages" do), so small messages cost no buffer at
/// all on either side. Larger outgoing payloads are rented from the shared pool (returned once
/// written to the wire); larger incoming ones are exact-size arrays handed to the user.
/// </summary>
internal struct Msg
{
    /// <summary>Covers the bulk of real traffic (ids, small requests, ticks) while keeping a queue
    /// slot at 88 bytes.</summary>
    public const int InlineCapacity = 64;

    private byte[]? _buffer;
    public int Length;
    public uint RoutingId;
    public bool Pooled;
    public bool More;
    private InlineBytes _inline;

    /// <summary>The payload array, or null when the payload is inline.</summary>
    public readonly byte[]? Buffer => _buffer;

    public readonly bool IsInline => _buffer == null;

    [UnscopedRef]
    public readonly ReadOnlySpan<byte> Span =>
        _buffer != null ? new ReadOnlySpan<byte>(_buffer, 0, Length) : ((ReadOnlySpan<byte>)_inline)[..Length];

    public static Msg CopyOf(ReadOnlySpan<byte> data, bool more = false)
    {
        var msg = new Msg { Length = data.Length, More = more };
        if (data.Length <= InlineCapacity)
        {
            data.CopyTo(msg._inline);
        }
        else
        {
            msg._buffer = BufferPool.Rent(data.Length);
            msg.Pooled = true;
            data.CopyTo(msg._buffer);
        }
        return msg;
    }

    /// <summary>Makes this (a queue slot, filled in place) an inline copy of <paramref name="data"/>,
    /// which must fit in <see cref="InlineCapacity"/>.</summary>
    public void SetInline(ReadOnlySpan<byte> data, bool more = false)
    {
        _buffer = null;
        Length = data.Length;
        RoutingId = 0;
        Pooled = false;
        More = more;
        data.CopyTo(_inline);
    }

    public static Msg Wrap(byte[] data, bool more = false) => Wrap(data, data.Length, more);

    public static Msg Wrap(byte[] data, int length, bool more, bool pooled = false) =>
        new() { _buffer = data, Length = length, More = more, Pooled = pooled };

    /// <summary>Returns a pooled payload; call once, after the bytes are no longer needed.</summary>
    public void Release()
    {
        if (Pooled)
        {
            BufferPool.Return(_buffer!);
        }
        _buffer = null;
        Pooled = false;
        Length = 0;
    }

    [InlineArray(InlineCapacity)]
    private struct InlineBytes
    {
        private byte _first;
    }
}
