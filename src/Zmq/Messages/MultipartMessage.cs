using System.Collections;
using System.Text;
using Zmq.Messages;

namespace Zmq;

/// <summary>
/// A whole multipart message, to send in one call or to receive into: its frames are kept in
/// buffers from the library's pool that stay with the object, so a <see cref="MultipartMessage"/>
/// reused for message after message allocates nothing once its buffers are big enough.
/// <para>A received frame (<c>this[i]</c>) is a view of those buffers: read it before the next
/// receive into, or <see cref="Clear"/> of, the same object. Dispose to give the buffers back to the
/// pool.</para>
/// <para>Not thread-safe: whatever changes it (<see cref="Add(ReadOnlySpan{byte})"/>,
/// <see cref="Clear"/>, a receive into it, <see cref="Dispose"/>) needs it to itself. Only reading it
/// (sending it, indexing, enumerating) is safe from several threads at once.</para>
/// </summary>
public sealed class MultipartMessage : IReadOnlyList<Message>, IDisposable
{
    private byte[][] _buffers = [];
    private int[] _lengths = [];
    private int _count;

    /// <summary>An empty message.</summary>
    public MultipartMessage()
    {
    }

    /// <summary>A message of the given frames, copied as UTF-8.</summary>
    /// <exception cref="ArgumentNullException">A frame is null.</exception>
    public MultipartMessage(params ReadOnlySpan<string> frames)
    {
        foreach (var frame in frames)
        {
            Add(frame);
        }
    }

    /// <summary>The number of frames.</summary>
    public int Count => _count;

    /// <summary>On a SERVER or PEER, the peer that sent the message; zero elsewhere.</summary>
    public uint RoutingId { get; internal set; }

    /// <summary>On a received message, what is known of the connection it came in on (see
    /// <see cref="Message.Properties"/>); null from an inproc peer and on a message made here.</summary>
    public MessageProperties? Properties { get; internal set; }

    /// <summary>Frame <paramref name="index"/>, with <see cref="Message.More"/> set on all but the last.
    /// It is a view of this object's buffer: copy it (<see cref="Message.Buffer"/>) to keep it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not less than <see cref="Count"/>.</exception>
    public Message this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return new Message(_buffers[index], _lengths[index], RoutingId).AsFrame(index < _count - 1, Properties);
        }
    }

    /// <summary>Appends a copy of <paramref name="frame"/>.</summary>
    public void Add(ReadOnlySpan<byte> frame)
    {
        if (_count == _buffers.Length)
        {
            Array.Resize(ref _buffers, Math.Max(4, _count * 2));
            Array.Resize(ref _lengths, _buffers.Length);
        }
        ref var buffer = ref _buffers[_count];
        if (buffer == null || buffer.Length < frame.Length)
        {
            if (buffer != null)
            {
                BufferPool.Return(buffer);
            }
            buffer = BufferPool.Rent(Math.Max(frame.Length, 1));
        }
        frame.CopyTo(buffer);
        _lengths[_count++] = frame.Length;
    }

    /// <summary>Appends <paramref name="frame"/> as UTF-8.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="frame"/> is null.</exception>
    public void Add(string frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        int max = Encoding.UTF8.GetMaxByteCount(frame.Length);
        Span<byte> stack = max <= 256 ? stackalloc byte[max] : default;
        if (max <= 256)
        {
            int n = Encoding.UTF8.GetBytes(frame, stack);
            Add(stack[..n]);
        }
        else
        {
            Add(Encoding.UTF8.GetBytes(frame));
        }
    }

    /// <summary>Removes every frame, keeping the buffers for the next message.</summary>
    public void Clear()
    {
        _count = 0;
        RoutingId = 0;
        Properties = null;
    }

    internal ReadOnlySpan<byte> PartSpan(int index) => new(_buffers[index], 0, _lengths[index]);

    /// <summary>Enumerates the frames without allocating.</summary>
    public Enumerator GetEnumerator() => new(this);

    IEnumerator<Message> IEnumerable<Message>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Gives the buffers back to the pool; the object is empty and usable again.</summary>
    public void Dispose()
    {
        foreach (var b in _buffers)
        {
            if (b != null)
            {
                BufferPool.Return(b);
            }
        }
        _buffers = [];
        _lengths = [];
        _count = 0;
    }

    /// <summary>The frames in order.</summary>
    public struct Enumerator(MultipartMessage message) : IEnumerator<Message>
    {
        private int _index = -1;

        /// <summary>The frame at the enumerator's position.</summary>
        /// <exception cref="ArgumentOutOfRangeException">Read before <see cref="MoveNext"/> or after it returned false.</exception>
        public readonly Message Current => message[_index];

        readonly object IEnumerator.Current => Current;

        /// <summary>Moves to the next frame; false after the last.</summary>
        public bool MoveNext() => ++_index < message.Count;

        /// <summary>Back to before the first frame.</summary>
        public void Reset() => _index = -1;

        /// <summary>Nothing to release: the frames belong to the message.</summary>
        public readonly void Dispose()
        {
        }
    }
}
