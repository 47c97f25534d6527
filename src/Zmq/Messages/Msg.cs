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

    /// <summary>The payload array is shared by several queue slots (a fan-out): its last four bytes
    /// count the holders, and the last to release it returns it to the pool.</summary>
    public bool Shared;

    /// <summary>A ZMTP command (JOIN, LEAVE) a socket type queues for its peer, not a message: the
    /// connection writes it as a command frame, an inproc peer's pattern reads it as one.</summary>
    public bool Command;
    private InlineBytes _inline;

    /// <summary>The ZMTP frame flags the payload goes out with.</summary>
    public readonly byte WireFlags => (byte)((More ? Protocol.FrameFlags.More : 0) | (Command ? Protocol.FrameFlags.Command : 0));

    /// <summary>The payload array, or null when the payload is inline.</summary>
    public readonly byte[]? Buffer => _buffer;

    public readonly bool IsInline => _buffer == null;

    [UnscopedRef]
    public readonly ReadOnlySpan<byte> Span =>
        _buffer != null ? new ReadOnlySpan<byte>(_buffer, 0, Length) : ((ReadOnlySpan<byte>)_inline)[..Length];

    /// <summary>A copy of <paramref name="data"/>: inline when it fits, else in a pooled array, with
    /// room for the holder count of <see cref="Share"/> when <paramref name="shareable"/> (a fan-out
    /// socket's message), so that sharing it costs no second copy.</summary>
    public static Msg CopyOf(ReadOnlySpan<byte> data, bool more = false, bool shareable = false)
    {
        var msg = new Msg { Length = data.Length, More = more };
        if (data.Length <= InlineCapacity)
        {
            data.CopyTo(msg._inline);
        }
        else
        {
            msg._buffer = BufferPool.Rent(shareable ? data.Length + sizeof(int) : data.Length);
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
        Shared = false;
        Command = false;
        More = more;
        data.CopyTo(_inline);
    }

    public static Msg Wrap(byte[] data, bool more = false) => Wrap(data, data.Length, more);

    public static Msg Wrap(byte[] data, int length, bool more, bool pooled = false) =>
        new() { _buffer = data, Length = length, More = more, Pooled = pooled };

    /// <summary>Returns a pooled payload; call once, after the bytes are no longer needed.</summary>
    public void Release()
    {
        if (Pooled && (!Shared || Interlocked.Decrement(ref Holders(_buffer!)) == 0))
        {
            BufferPool.Return(_buffer!);
        }
        _buffer = null;
        Pooled = false;
        Shared = false;
        Length = 0;
    }

    /// <summary>Prepares a payload to be held by <paramref name="holders"/> queue slots at once, each
    /// releasing it once: a pooled array is counted (moved to one with room for the count if it has
    /// none: one copy instead of one per holder); an array the pool does not own is only marked shared.</summary>
    public void Share(int holders)
    {
        if (_buffer == null)
        {
            return;
        }
        if (!Pooled)
        {
            // No count is needed for an array the collector owns, but a receiver must still not be
            // handed the array another receiver holds too (Message.FromReceived copies a shared one).
            Shared = true;
            return;
        }
        if (_buffer.Length - Length < sizeof(int))
        {
            var roomier = BufferPool.Rent(Length + sizeof(int));
            Span.CopyTo(roomier);
            BufferPool.Return(_buffer);
            _buffer = roomier;
        }
        Holders(_buffer) = holders;
        Shared = true;
    }

    private static ref int Holders(byte[] buffer) => ref Unsafe.As<byte, int>(ref buffer[^sizeof(int)]);

    [InlineArray(InlineCapacity)]
    private struct InlineBytes
    {
        private byte _first;
    }
}
