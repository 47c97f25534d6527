using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Zmq.Messages;

namespace Zmq.Engine;

/// <summary>
/// A single-producer single-consumer queue of messages in linked segments (the shape of libzmq's
/// ypipe/yqueue): no locks, no allocation in steady state (the consumer hands emptied segments back
/// to the producer through a few spare slots, enough for a default high-water mark in flight), and
/// memory only for what is queued, so idle pipes stay small. Thread-safe sockets serialise their
/// producers or consumers with a lock of their own.
///
/// The producer's and the consumer's positions sit on cache lines of their own, and each side
/// keeps the last value it saw of the other's and re-reads it only when that runs out, so a burst
/// of messages moves the shared lines between cores once, not once per message.
/// </summary>
internal sealed class MsgQueue
{
    private const int SegmentSize = 128;

    /// <summary>A queue starts with a small segment: most pipes (idle peers, request-reply) never
    /// hold more than a few messages, and each slot is a whole <see cref="Msg"/>.</summary>
    private const int FirstSegmentSize = 8;

    private const int CacheLine = 64;

    private sealed class Segment(int size)
    {
        public readonly Msg[] Items = new Msg[size];
        public Segment? Next;
    }

    /// <summary>The producer's and the consumer's fields, each group a cache line or more away from
    /// the other and from the rest of the object. The runtime aligns objects to 8 bytes, not 64, so
    /// the gaps must hold wherever the struct starts: 64 bytes of padding before the producer's
    /// 24, more than 64 between the two groups and after the consumer's. With gaps of 40 bytes,
    /// as before, the two groups shared a line whenever the queue landed at an unlucky address:
    /// 64 B over inproc ran at 17–20 M msg/s instead of 40 M depending on nothing but the path of
    /// the executable, which moved the heap.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 5 * CacheLine)]
    private struct Positions
    {
        // The producer's line.
        [FieldOffset(CacheLine)] public long Written;

        /// <summary>The consumer's <see cref="ReadMessages"/> as last seen.</summary>
        [FieldOffset(CacheLine + 8)] public long ReadMessagesSeen;
        [FieldOffset(CacheLine + 16)] public int TailIndex;
        [FieldOffset(CacheLine + 20)] public int Unpublished;

        // Counted for the metrics (Diagnostics/ZmqMetrics.cs): whole messages published, and
        // messages the producer's socket dropped because the queue was full.
        [FieldOffset(CacheLine + 24)] public long Messages;
        [FieldOffset(CacheLine + 32)] public long Refused;

        // The consumer's line.
        [FieldOffset(3 * CacheLine)] public long Read;
        [FieldOffset(3 * CacheLine + 8)] public long WrittenSeen;
        [FieldOffset(3 * CacheLine + 16)] public int HeadIndex;

        // Messages the consumer dropped unread (a subscriber's filter), for the metrics.
        [FieldOffset(3 * CacheLine + 24)] public long Discarded;

        // Whole messages taken (a frame without more ends one): the high-water mark counts these.
        [FieldOffset(3 * CacheLine + 32)] public long ReadMessages;
    }

    private Segment _head;
    private Segment _tail;
    private Positions _p;

    /// <summary>Producer only: where the first frame not yet published sits (see <see cref="Stage"/>).</summary>
    private Segment? _stagedSegment;
    private int _stagedIndex;

    /// <summary>Emptied segments waiting for reuse, a ring from the consumer to the producer:
    /// 16 × 128 messages covers the default HWM of 1000 and an inproc pipe's 2000 (the sender's and
    /// the receiver's added up), so a queue kept near its HWM allocates no segments.</summary>
    private readonly Segment?[] _spares = new Segment?[16];

    public MsgQueue()
    {
        _head = _tail = new Segment(FirstSegmentSize);
    }

    /// <summary>Messages queued, read fresh from both sides; exact only when the other side is idle.</summary>
    public long Count => Volatile.Read(ref _p.Written) - Volatile.Read(ref _p.Read);

    public bool IsEmpty => Count == 0;

    /// <summary>Any thread, writing nothing: whether messages are queued. For a thread that is not the
    /// consumer (<see cref="CanDequeue"/> updates the consumer's state); it may say no while the
    /// consumer is dequeuing, which is then the consumer's to see.</summary>
    public bool AnyQueued => Count > 0;

    /// <summary>Producer only: whether fewer than <paramref name="limit"/> whole messages are queued
    /// (a multipart message counts once, as libzmq's high-water marks count). Reads the consumer's
    /// position only when the last one seen says the queue is full.</summary>
    public bool HasRoomBelow(int limit)
    {
        if (_p.Messages - _p.ReadMessagesSeen < limit)
        {
            return true;
        }
        _p.ReadMessagesSeen = Volatile.Read(ref _p.ReadMessages);
        return _p.Messages - _p.ReadMessagesSeen < limit;
    }

    /// <summary>Producer only. A frame with <see cref="Msg.More"/> set waits unseen for the last
    /// frame of its message (see <see cref="Commit"/>).</summary>
    public void Enqueue(in Msg msg)
    {
        NextSlot() = msg;
        Commit(msg.More);
    }

    /// <summary>Producer only: the slot the next message goes into, to be filled in place (no copy
    /// of a whole <see cref="Msg"/>) and then published with <see cref="CommitEnqueue"/>.</summary>
    public ref Msg NextSlot()
    {
        if (_p.TailIndex == _tail.Items.Length)
        {
            var next = TakeSpare() ?? new Segment(SegmentSize);
            next.Next = null;
            _tail.Next = next;
            _tail = next;
            _p.TailIndex = 0;
        }
        return ref _tail.Items[_p.TailIndex];
    }

    /// <summary>Producer only: publishes the slot filled through <see cref="NextSlot"/>, together with
    /// any frames staged before it.</summary>
    public void CommitEnqueue()
    {
        _p.TailIndex++;
        long written = _p.Written + 1;
        if (_p.Unpublished != 0)
        {
            written += _p.Unpublished;
            _p.Unpublished = 0;
        }
        _p.Messages++;
        // Publishes the items (and any new segment link) to the consumer.
        Volatile.Write(ref _p.Written, written);
    }

    /// <summary>Producer only: commits the filled slot, publishing it unless more frames of its
    /// message are to follow. A multipart message thus becomes visible whole, at its last frame, as
    /// libzmq's pipes flush it, and a consumer never waits in the middle of one.</summary>
    public void Commit(bool more)
    {
        if (more)
        {
            Stage();
        }
        else
        {
            CommitEnqueue();
        }
    }

    private void Stage()
    {
        if (_p.Unpublished == 0)
        {
            _stagedSegment = _tail;
            _stagedIndex = _p.TailIndex;
        }
        _p.TailIndex++;
        _p.Unpublished++;
    }

    /// <summary>Producer only: drops the frames of a message whose last frame will never come (its
    /// connection ended, or its peer left), returning pooled payloads; returns how many.</summary>
    public int RollbackStaged()
    {
        int n = _p.Unpublished;
        if (n == 0)
        {
            return 0;
        }
        var segment = _stagedSegment!;
        int index = _stagedIndex;
        for (int i = 0; i < n; i++)
        {
            if (index == segment.Items.Length)
            {
                segment = segment.Next!;
                index = 0;
            }
            segment.Items[index].Release();
            segment.Items[index] = default;
            index++;
        }
        // Segments linked after the first staged frame were never published: the consumer cannot
        // be in them, so they are simply cut off.
        _tail = _stagedSegment!;
        _tail.Next = null;
        _p.TailIndex = _stagedIndex;
        _p.Unpublished = 0;
        _stagedSegment = null;
        return n;
    }

    /// <summary>Consumer only.</summary>
    public bool TryDequeue(out Msg msg)
    {
        if (!Available())
        {
            msg = default;
            return false;
        }
        ref var slot = ref HeadSlot();
        msg = slot;
        slot = default;
        CommitDequeue(msg.More);
        return true;
    }

    /// <summary>Consumer only, with a message waiting: copies its payload into
    /// <paramref name="destination"/> straight from its slot and returns its length.</summary>
    /// <exception cref="BufferTooSmallException">The message is longer than the destination; it stays queued.</exception>
    public int DequeueInto(Span<byte> destination, out bool more)
    {
        ref var slot = ref HeadSlot();
        int length = slot.Length;
        more = slot.More;
        if (length > destination.Length)
        {
            throw new BufferTooSmallException(length, destination.Length);
        }
        slot.Span.CopyTo(destination);
        slot.Release();
        slot = default;
        CommitDequeue(more);
        return length;
    }

    /// <summary>Consumer only, with a message waiting: its slot, stepping into the next segment when
    /// the head one is used up.</summary>
    private ref Msg HeadSlot()
    {
        System.Diagnostics.Debug.Assert(_p.Read != _p.WrittenSeen, "the head is read only with a message waiting");
        if (_p.HeadIndex == _head.Items.Length)
        {
            var done = _head;
            _head = done.Next!;
            _p.HeadIndex = 0;
            done.Next = null;
            if (done.Items.Length == SegmentSize)
            {
                PutSpare(done);
            }
        }
        return ref _head.Items[_p.HeadIndex];
    }

    private void CommitDequeue(bool more)
    {
        _p.HeadIndex++;
        if (!more)
        {
            Volatile.Write(ref _p.ReadMessages, _p.ReadMessages + 1);
        }
        Volatile.Write(ref _p.Read, _p.Read + 1);
    }

    /// <summary>Consumer only, with a message waiting: the next message, to be read in place and then
    /// dropped with <see cref="DropHead"/> (which does not release its payload).</summary>
    public ref Msg Head() => ref HeadSlot();

    /// <summary>Consumer only: removes the message <see cref="Head"/> returned.</summary>
    public void DropHead()
    {
        ref var slot = ref HeadSlot();
        bool more = slot.More;
        slot = default;
        CommitDequeue(more);
    }

    /// <summary>Any thread: whole messages published so far (a multipart message counts once).</summary>
    public long PublishedMessages => Volatile.Read(ref _p.Messages);

    /// <summary>Any thread: messages the producer's socket dropped at this queue's limit.</summary>
    public long RefusedMessages => Volatile.Read(ref _p.Refused);

    /// <summary>Any thread: messages the consumer dropped unread.</summary>
    public long DiscardedMessages => Volatile.Read(ref _p.Discarded);

    /// <summary>Producer only: a message was dropped because the queue was at its limit.</summary>
    public void CountRefused() => Volatile.Write(ref _p.Refused, _p.Refused + 1);

    /// <summary>Consumer only: a whole message was dropped unread.</summary>
    public void CountDiscarded() => Volatile.Write(ref _p.Discarded, _p.Discarded + 1);

    /// <summary>Consumer only: whole messages taken so far (a multipart message counts once).</summary>
    public long MessagesRead => _p.ReadMessages;

    /// <summary>Any thread: how many messages the consumer has taken so far (a progress mark).</summary>
    public long Dequeued => Volatile.Read(ref _p.Read);

    /// <summary>Consumer only: whether a message is waiting.</summary>
    public bool HasMessage
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _p.Read != _p.WrittenSeen || CanDequeue;
    }

    /// <summary>Consumer only: messages queued as far as the consumer last looked (never more than
    /// there are). Between two looks it falls by exactly one per dequeue.</summary>
    public long ConsumerCount => _p.WrittenSeen - _p.Read;

    /// <summary>Consumer only, with a message of two or more frames waiting (published whole): the
    /// length of its second frame.</summary>
    public int PeekSecondLength()
    {
        HeadSlot();
        int next = _p.HeadIndex + 1;
        return next < _head.Items.Length ? _head.Items[next].Length : _head.Next!.Items[0].Length;
    }

    /// <summary>Consumer only: the length of the next message, or -1 when none is waiting.</summary>
    public int PeekLength() => Available() ? HeadSlot().Length : -1;

    /// <summary>Consumer only: true when a message is waiting, read fresh from the producer's side
    /// (for re-checks after a fence).</summary>
    public bool CanDequeue
    {
        get
        {
            _p.WrittenSeen = Volatile.Read(ref _p.Written);
            return _p.Read != _p.WrittenSeen;
        }
    }

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

    private bool Available() => _p.Read != _p.WrittenSeen || CanDequeue;

    /// <summary>Producer only: the spare emptied longest ago (first in, first out). The one emptied
    /// last is still in the consumer's cache, and filling it costs a transfer per cache line: taken
    /// last-in-first-out, recycled segments made 64 B inproc slower than allocating new ones (17 M
    /// msg/s with eight spares and 2.5 B/msg allocated; the ring of 16 gives 22 M and none).</summary>
    private Segment? TakeSpare()
    {
        long taken = _sparesTaken;
        if (taken == Volatile.Read(ref _sparesPut))
        {
            return null;
        }
        ref var slot = ref _spares[taken % _spares.Length];
        var s = slot;
        slot = null;
        Volatile.Write(ref _sparesTaken, taken + 1);
        return s;
    }

    /// <summary>Consumer only: a segment it has emptied (every slot cleared).</summary>
    private void PutSpare(Segment segment)
    {
        long put = _sparesPut;
        if (put - Volatile.Read(ref _sparesTaken) == _spares.Length)
        {
            // All slots full: let the GC have it.
            return;
        }
        _spares[put % _spares.Length] = segment;
        Volatile.Write(ref _sparesPut, put + 1);
    }

    private long _sparesPut;
    private long _sparesTaken;
}
