using Zmq.Messages;

namespace Zmq.Engine;

/// <summary>
/// A single-producer single-consumer queue of messages in linked segments (the shape of libzmq's
/// ypipe/yqueue): no locks, no allocation in steady state (the consumer hands each emptied segment
/// back as a spare), and memory only for what is queued, so idle pipes stay small. Thread-safe
/// sockets serialise their producers or consumers with a lock of their own.
/// </summary>
internal sealed class MsgQueue
{
    private const int SegmentSize = 128;

    private sealed class Segment
    {
        public readonly Msg[] Items = new Msg[SegmentSize];
        public Segment? Next;
    }

    private Segment _head;
    private int _headIndex;
    private long _read;

    private Segment _tail;
    private int _tailIndex;
    private long _written;

    private Segment? _spare;

    public MsgQueue()
    {
        _head = _tail = new Segment();
    }

    /// <summary>Messages queued; exact when called by the producer or consumer, approximate otherwise.</summary>
    public long Count => Volatile.Read(ref _written) - Volatile.Read(ref _read);

    public bool IsEmpty => Count == 0;

    /// <summary>Producer only.</summary>
    public void Enqueue(in Msg msg)
    {
        if (_tailIndex == SegmentSize)
        {
            var next = Interlocked.Exchange(ref _spare, null) ?? new Segment();
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
        if (_headIndex == SegmentSize)
        {
            var done = _head;
            _head = done.Next!;
            _headIndex = 0;
            done.Next = null;
            Volatile.Write(ref _spare, done);
        }
        ref var slot = ref _head.Items[_headIndex++];
        msg = slot;
        slot = default;
        Volatile.Write(ref _read, _read + 1);
        return true;
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
