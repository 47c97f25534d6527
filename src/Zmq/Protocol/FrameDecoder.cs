using System.Buffers.Binary;
using Zmq.Messages;

namespace Zmq.Protocol;

/// <summary>
/// The ZMTP 3.x frame decoder: a state machine fed whatever one socket read returned. A frame may be
/// split across any number of reads and one read may hold many frames. Sizes are checked against the
/// limits before any of the body is buffered, and a body is grown as its bytes arrive, so a peer
/// that merely announces a huge frame costs nothing.
/// </summary>
internal sealed class FrameDecoder(long maxMessageSize, int maxCommandSize = FrameDecoder.DefaultMaxCommandSize)
{
    public const int DefaultMaxCommandSize = 1 << 20;

    /// <summary>Bodies up to this size are allocated whole at once; larger ones grow as their bytes
    /// arrive, so that a peer merely announcing a huge frame cannot make us allocate it.</summary>
    private const int WholeBodyLimit = 8 * 1024 * 1024;
    private const int InitialChunk = 64 * 1024;

    private enum State { Flags, Size, Body }

    private State _state;
    private byte _flags;
    private readonly byte[] _sizeBytes = new byte[8];
    private int _sizeNeeded;
    private int _sizeFill;
    private long _size;
    private byte[]? _body;
    private bool _bodyPooled;
    private int _bodyFill;

    /// <summary>Data-frame bodies too big to be inline and up to 1 MiB come from the buffer pool
    /// (<see cref="Frame.Pooled"/>) rather than being allocated exactly. Worth it only when the
    /// consumer copies each body out and returns the array; off by default.</summary>
    public bool PooledBodies { get; set; }

    /// <summary>The largest data frame accepted; negative means no limit.</summary>
    public long MaxMessageSize { get; set; } = maxMessageSize;

    /// <summary>True when no frame is partly decoded.</summary>
    public bool IsIdle => _state == State.Flags;

    /// <summary>True when the last frame completed had at least <paramref name="size"/> bytes: its
    /// successor is likely as big.</summary>
    public bool LastFrameAtLeast(long size) => _lastSize >= size;

    private long _lastSize;

    /// <summary>The common case, taken first: a short data frame of up to
    /// <see cref="Msg.InlineCapacity"/> bytes wholly at the front of <paramref name="input"/> becomes
    /// an inline message, with no array allocated. Anything else is left to <see cref="TryDecode"/>.</summary>
    /// <exception cref="ProtocolException">The frame breaks the framing rules or a size limit.</exception>
    public bool TryDecodeSmall(ref ReadOnlySpan<byte> input, out Msg msg)
    {
        msg = default;
        return TryDecodeSmallInto(ref input, ref msg);
    }

    /// <summary><see cref="TryDecodeSmall"/> into a message in place (a queue slot); untouched when
    /// it returns false.</summary>
    public bool TryDecodeSmallInto(ref ReadOnlySpan<byte> input, ref Msg msg)
    {
        if (_state == State.Flags && input.Length >= 2)
        {
            byte flags = input[0];
            int size = input[1];
            // Only MORE may be set: no reserved bit, not long, not a command. Anything else, and an
            // over-size body, goes the general way, which names the fault.
            if ((flags & ~FrameFlags.More) == 0 && size <= Msg.InlineCapacity && input.Length >= 2 + size
                && (MaxMessageSize < 0 || size <= MaxMessageSize))
            {
                msg.SetInline(input.Slice(2, size), flags != 0);
                _lastSize = size;
                input = input[(2 + size)..];
                return true;
            }
        }
        return false;
    }

    /// <summary>Takes one frame from the front of <paramref name="input"/> if it completes one.</summary>
    /// <exception cref="ProtocolException">The bytes break the framing rules or a size limit.</exception>
    public bool TryDecode(ref ReadOnlySpan<byte> input, out Frame frame)
    {
        if (_state == State.Flags && input.Length >= 2)
        {
            // Fast path: a short-form frame wholly inside the input is copied once, straight out.
            byte flags = input[0];
            if ((flags & FrameFlags.Long) == 0 && input.Length >= 2 + input[1])
            {
                CheckFlags(flags);
                int size = input[1];
                CheckSize(flags, size);
                var body = NewBody(flags, size, out bool pooled);
                input.Slice(2, size).CopyTo(body);
                input = input[(2 + size)..];
                frame = new Frame(flags, body, size, pooled);
                _lastSize = size;
                return true;
            }
        }
        while (input.Length > 0)
        {
            switch (_state)
            {
                case State.Flags:
                    _flags = input[0];
                    CheckFlags(_flags);
                    input = input[1..];
                    _sizeNeeded = (_flags & FrameFlags.Long) != 0 ? 8 : 1;
                    _sizeFill = 0;
                    _state = State.Size;
                    break;
                case State.Size:
                {
                    int n = Math.Min(_sizeNeeded - _sizeFill, input.Length);
                    input[..n].CopyTo(_sizeBytes.AsSpan(_sizeFill));
                    _sizeFill += n;
                    input = input[n..];
                    if (_sizeFill < _sizeNeeded)
                    {
                        break;
                    }
                    if (_sizeNeeded == 1)
                    {
                        _size = _sizeBytes[0];
                    }
                    else
                    {
                        ulong raw = BinaryPrimitives.ReadUInt64BigEndian(_sizeBytes);
                        if (raw > long.MaxValue)
                        {
                            throw new ProtocolException($"frame size {raw} exceeds the ZMTP maximum of 2^63-1");
                        }
                        _size = (long)raw;
                    }
                    CheckSize(_flags, _size);
                    _bodyFill = 0;
                    _body = NewBody(_flags, _size <= WholeBodyLimit ? _size : Math.Max(InitialChunk, input.Length), out _bodyPooled);
                    _state = State.Body;
                    if (_size == 0)
                    {
                        return Complete(out frame);
                    }
                    break;
                }
                case State.Body:
                {
                    if (_bodyFill == _body!.Length)
                    {
                        Array.Resize(ref _body, (int)Math.Min(_size, (long)_body.Length * 4));
                    }
                    // A pooled body may be longer than the frame: never copy past the frame's end.
                    int n = (int)Math.Min(Math.Min(_body.Length, _size) - _bodyFill, input.Length);
                    input[..n].CopyTo(_body.AsSpan(_bodyFill));
                    _bodyFill += n;
                    input = input[n..];
                    if (_bodyFill == _size)
                    {
                        return Complete(out frame);
                    }
                    break;
                }
            }
        }
        frame = default;
        return false;
    }

    /// <summary>Body bytes still to come for the frame being decoded (0 between frames).</summary>
    public long RemainingBody => _state == State.Body ? _size - _bodyFill : 0;

    /// <summary>Where the next body bytes of a large frame can be received directly, skipping the
    /// read buffer and its copy. The body grows as it fills, so a peer announcing a huge frame still
    /// costs only what it sends.</summary>
    public Memory<byte> BodySpace()
    {
        if (_bodyFill == _body!.Length)
        {
            Array.Resize(ref _body, (int)Math.Min(_size, (long)_body.Length * 4));
        }
        return _body.AsMemory(_bodyFill, (int)Math.Min(_body.Length - _bodyFill, _size - _bodyFill));
    }

    /// <summary>Records <paramref name="count"/> bytes received into <see cref="BodySpace"/>.</summary>
    public bool AdvanceBody(int count, out Frame frame)
    {
        _bodyFill += count;
        if (_bodyFill == _size)
        {
            return Complete(out frame);
        }
        frame = default;
        return false;
    }

    /// <summary>Where set, a data frame of at most its length is read into it rather than into an
    /// array of its own: for a mechanism's frames (CURVE), opened in place and copied out before the
    /// next frame is decoded.</summary>
    public byte[]? SmallBodyScratch { get; set; }

    private byte[] NewBody(byte flags, long size, out bool pooled)
    {
        if (SmallBodyScratch is { } scratch && size > 0 && size <= scratch.Length && (flags & FrameFlags.Command) == 0)
        {
            pooled = false;
            return scratch;
        }
        pooled = PooledBodies && (flags & FrameFlags.Command) == 0 && size > Msg.InlineCapacity && size <= BufferPool.LargeLimit;
        return size == 0 ? [] : pooled ? BufferPool.Rent((int)size) : GC.AllocateUninitializedArray<byte>((int)size);
    }

    private bool Complete(out Frame frame)
    {
        _lastSize = _size;
        frame = new Frame(_flags, _body!, (int)_size, _bodyPooled);
        _body = null;
        _bodyPooled = false;
        _state = State.Flags;
        return true;
    }

    private static void CheckFlags(byte flags)
    {
        if ((flags & FrameFlags.Reserved) != 0)
        {
            throw new ProtocolException($"invalid frame flags 0x{flags:X2}: reserved bits are set");
        }
        if ((flags & FrameFlags.Command) != 0 && (flags & FrameFlags.More) != 0)
        {
            throw new ProtocolException("invalid frame flags: a command frame has MORE set");
        }
    }

    private void CheckSize(byte flags, long size)
    {
        if ((flags & FrameFlags.Command) != 0)
        {
            if (size > maxCommandSize)
            {
                throw new ProtocolException($"command frame of {size} bytes exceeds the {maxCommandSize}-byte limit for commands");
            }
        }
        else if (MaxMessageSize >= 0 && size > MaxMessageSize)
        {
            throw new ProtocolException($"message frame of {size} bytes exceeds MaxMessageSize ({MaxMessageSize})");
        }
        if (size > Array.MaxLength)
        {
            throw new ProtocolException($"frame of {size} bytes is larger than this runtime can hold in one message");
        }
    }
}
