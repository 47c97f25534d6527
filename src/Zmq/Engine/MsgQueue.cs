using Zmq.Messages;

namespace Zmq.Engine;

/// <summary>
/// A single-producer single-consumer queue of messages in linked segments (the shape of libzmq's
/// ypipe/yqueue): no locks, no allocation in steady state (the consumer hands emptied segments back
/// to the producer through a few spare slots, enough for a default high-water mark in flight), and
/// memory only for what is queued, so idle pipes stay small. Thread-safe sockets serialise their
/// producers or consumers with a lock of their own.
/// </summary>
internal sealed class MsgQueue
{
    private const int SegmentSize = 128;

    /// <summary>A queue starts with a small segment: most pipes (idle peers, request-reply) never
    /// hold more than a few messages, and each slot is a whole <see cref="Msg"/>.</summary>
    private const int FirstSegmentSize = 8;

    private sealed class Segment(int size)
    {
        public readonly Msg[] Items = new Msg[size];
        public Segment? Next;
    }

    private Segment _head;
    private int _headIndex;
    private long _read;

    private Segment _tail;
    private int _tailIndex;
    private long _written;

    /// <summary>Emptied segments waiting for reuse: 8 × 128 messages covers the default HWM of 1000.</summary>
    private readonly Segment?[] _spares = new Segment?[8];

    public MsgQueue()
    {
        _head = _tail = new Segment(FirstSegmentSize);
    }

    /// <summary>Messages queued; exact when called by the producer or consumer, approximate otherwise.</summary>
    public long Count => Volatile.Read(ref _written) - Volatile.Read(ref _read);

    public bool IsEmpty => Count == 0;

    /// <summary>Producer only.</summary>
    public void Enqueue(in Msg msg)
    {
        if (_tailIndex == _tail.Items.Length)
        {
            var next = TakeSpare() ?? new Segment(SegmentSize);
            next.Next = null;
            _tail.Next = next;
            _tail = next;
            _tailIndex = 0;
        }
        _tail.Items[_tailIndex++] = msg;
        // Publishes the item (and any new segment link) to the consumer.
        Volatile.Write(ref _written, _written + 1);
    }

    /// <summary>Consumer only.</summary>
    public bool TryDequeue(out Msg msg)
    {
        if (_read == Volatile.Read(ref _written))
        {
            msg = default;
            return false;
        }
        if (_headIndex == _head.Items.Length)
        {
            var done = _head;
            _head = done.Next!;
            _headIndex = 0;
            done.Next = null;
            if (done.Items.Length == SegmentSize)
            {
                PutSpare(done);
            }
        }
        ref var slot = ref _head.Items[_headIndex++];
        msg = slot;
        slot = default;
        Volatile.Write(ref _read, _read + 1);
        return true;
    }

    private Segment? TakeSpare()
    {
        for (int i = 0; i < _spares.Length; i++)
        {
            if (Volatile.Read(ref _spares[i]) != null && Interlocked.Exchange(ref _spares[i], null) is { } s)
            {
                return s;
            }
        }
        return null;
    }

    private void PutSpare(Segment segment)
    {
        for (int i = 0; i < _spares.Length; i++)
        {
            if (Volatile.Read(ref _spares[i]) == null && Interlocked.CompareExchange(ref _spares[i], segment, null) == null)
            {
                return;
            }
        }
        // All slots full: let the GC have it.
    }

    /// <summary>Consumer only: the length of the next message, or -1 when none is waiting.</summary>
    public int PeekLength()
    {
        if (_read == Volatile.Read(ref _written))
        {
            return -1;
        }
        var segment = _head;
        int index = _headIndex;
        if (index == segment.Items.Length)
        {
            segment = segment.Next!;
            index = 0;
        }
        return segment.Items[index].Length;
    }

    /// <summary>Consumer only: true when a message is waiting.</summary>
    public bool CanDequeue => _read != Volatile.Read(ref _written);

    /// <summary>Consumer only: empties the queue, returning pooled payloads.</summary>
    public int DrainAndRelease()
    {
        int n = 0;
        while (TryDequeue(out var m))
        {
            m.Release();
            n++;
        }
        return n;
    }
}
