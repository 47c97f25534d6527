using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Zmq.Engine;
using Zmq.Messages;

namespace Zmq.Routing;

/// <summary>
/// Fair-queued receive (libzmq fq): one message from each pipe with messages in turn. Only pipes
/// that have messages are visited: a pipe drops out when found empty and comes back through a
/// lock-free activation queue when its read loop queues more, so a receive costs the same with ten
/// thousand idle peers as with one. Dequeue runs under the socket's receive lock.
/// Part of the routing kit: unit-tested alone (tests/Zmq.Tests/Routing).
/// </summary>
internal sealed class FairQueue(bool inprocProducersMaySkipFences = false)
{
    private readonly List<Pipe> _active = [];
    private readonly ConcurrentQueue<Pipe> _activations = new();
    /// <summary>Whose turn it is; written per message by the receiver: alone on its cache line.</summary>
    private LoneInt _turn;

    /// <summary>Set after each activation is queued, cleared (with a full fence) before the queue is
    /// drained: the receive fast path reads it instead of the queue.</summary>
    private int _activationsQueued;

    /// <summary>The pipe whose multipart message is being taken.</summary>
    private Pipe? _continuing;

    /// <summary>Debug builds: the lock every consumer holds (the socket's receive lock).</summary>
    public LockOwnership Consumers;

    /// <summary>Any thread: the pipe has (or may have) messages. The caller must have issued a full
    /// fence after queuing them: it pairs with the fence in TryDequeue, so that the messages are
    /// visible before the flag is read, or both sides could miss each other and strand the pipe.</summary>
    public void Activate(Pipe pipe)
    {
        if (Volatile.Read(ref pipe.InboundActive) == 0 && Interlocked.CompareExchange(ref pipe.InboundActive, 1, 0) == 0)
        {
            _activations.Enqueue(pipe);
            Volatile.Write(ref _activationsQueued, 1);
        }
    }

    /// <summary>Approximate, lock-free: whether a receive might find something.</summary>
    public bool MaybeHasMessages => _active.Count > 0 || !_activations.IsEmpty;

    /// <summary>Caller holds the receive lock: the pipe the next frame comes from, or null when none
    /// is waiting. A multipart message is taken whole from one pipe before the turn passes on (libzmq
    /// fq with <c>more</c>); one whose first frame <paramref name="accepts"/> refuses is dropped whole.
    /// Take one frame from the pipe, then call <see cref="Taken"/>.</summary>
    /// <exception cref="BufferTooSmallException">The next frame is longer than <paramref name="maxLength"/>; it stays queued.
    /// Where each message is a group frame and a body (<paramref name="grouped"/>: DISH), the body is measured.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Pipe? Next(int maxLength = int.MaxValue, Func<ReadOnlySpan<byte>, bool>? accepts = null, bool grouped = false)
    {
        Consumers.Check("the fair queue is read only under the socket's receive lock");
        // The streaming case, kept small enough to inline into the receive calls: the pipe in turn
        // has a message and no pipe waits to join the rotation.
        if (_continuing == null && accepts == null && maxLength == int.MaxValue && Volatile.Read(ref _activationsQueued) == 0)
        {
            var active = CollectionsMarshal.AsSpan(_active);
            if (active.Length > 0)
            {
                if (_turn.Value >= active.Length)
                {
                    _turn.Value = 0;
                }
                var pipe = active[_turn.Value];
                if (pipe.Inbound.HasMessage)
                {
                    return pipe;
                }
            }
        }
        return NextSlow(maxLength, accepts, grouped);
    }

    private Pipe? NextSlow(int maxLength, Func<ReadOnlySpan<byte>, bool>? accepts, bool grouped)
    {
        while (true)
        {
            var pipe = _continuing;
            if (pipe == null)
            {
                pipe = Current();
                if (pipe == null)
                {
                    return null;
                }
                if (accepts != null && !accepts(pipe.Inbound.Head().Span))
                {
                    DropMessage(pipe);
                    continue;
                }
            }
            else if (!pipe.Inbound.HasMessage)
            {
                // A queue publishes a multipart message whole, so its rest is there unless the pipe
                // went meanwhile; then the message simply ends.
                _continuing = null;
                continue;
            }
            if (maxLength < int.MaxValue && (grouped ? pipe.Inbound.PeekSecondLength() : pipe.Inbound.PeekLength()) is int length && length > maxLength)
            {
                throw new BufferTooSmallException(length, maxLength);
            }
            return pipe;
        }
    }

    /// <summary>Caller holds the receive lock: takes the next frame, as <see cref="Next"/> finds it.</summary>
    public bool TryDequeue(out Msg msg, out Pipe? from, int maxLength = int.MaxValue, Func<ReadOnlySpan<byte>, bool>? accepts = null)
    {
        from = Next(maxLength, accepts);
        if (from == null)
        {
            msg = default;
            return false;
        }
        from.Inbound.TryDequeue(out msg);
        Taken(from, msg.More);
        return true;
    }

    /// <summary>Caller holds the receive lock: drops what is left of the message being taken from
    /// <paramref name="pipe"/> (all of it, if none was taken), which the application never sees.</summary>
    public void DropRest(Pipe pipe)
    {
        _continuing = null;
        if (pipe.Inbound.HasMessage)
        {
            DropMessage(pipe);
        }
        else
        {
            _turn.Value++;
        }
    }

    /// <summary>Caller holds the receive lock: the socket delivered a frame of its own for the message
    /// <see cref="Next"/> found in <paramref name="pipe"/> (ROUTER's identity), so the message's own
    /// frames come next, from that pipe.</summary>
    public void Hold(Pipe pipe) => _continuing = pipe;

    /// <summary>Whether the frames taken so far end inside a multipart message.</summary>
    public bool InMessage => _continuing != null;

    private void DropMessage(Pipe pipe)
    {
        bool more;
        do
        {
            pipe.Inbound.TryDequeue(out var msg);
            more = msg.More;
            msg.Release();
            pipe.OnInboundDequeued();
        }
        while (more && pipe.Inbound.HasMessage);
        pipe.Inbound.CountDiscarded();
        _turn.Value++;
    }

    /// <summary>Caller holds the receive lock: the pipe whose turn it is among those with a message
    /// waiting, or null when none has one. Take one message from it, then call <see cref="Taken"/>.</summary>
    public Pipe? Current()
    {
        if (Volatile.Read(ref _activationsQueued) != 0)
        {
            Interlocked.Exchange(ref _activationsQueued, 0);
        }
        while (_activations.TryDequeue(out var p))
        {
            if (!p.InFairQueue)
            {
                p.InFairQueue = true;
                _active.Add(p);
            }
        }
        while (_active.Count > 0)
        {
            if (_turn.Value >= _active.Count)
            {
                _turn.Value = 0;
            }
            var pipe = _active[_turn.Value];
            if (pipe.Inbound.HasMessage)
            {
                return pipe;
            }
            if (pipe.WaitForInboundBatch())
            {
                // A streaming inproc producer: a batch gathered, read on without leaving the rotation.
                return pipe;
            }
            // Found empty: leave the rotation unless the read loop queued more meanwhile. The flag is
            // cleared before the re-check so that a concurrent Activate re-queues the pipe.
            Volatile.Write(ref pipe.InboundActive, 0);
            pipe.FenceAfterInactive(inprocProducersMaySkipFences);
            pipe.OnInboundEmptyFenced();
            if ((pipe.ReadForConsumer() || pipe.Inbound.CanDequeue) && Interlocked.CompareExchange(ref pipe.InboundActive, 1, 0) == 0)
            {
                continue;
            }
            pipe.InFairQueue = false;
            _active.RemoveAt(_turn.Value);
        }
        return null;
    }

    /// <summary>A frame was taken from <paramref name="pipe"/>, the <see cref="Next"/> one: the turn
    /// passes on at the end of its message.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Taken(Pipe pipe, bool more)
    {
        Consumers.Check("the fair queue is read only under the socket's receive lock");
        pipe.OnInboundDequeued();
        if (more)
        {
            _continuing = pipe;
            return;
        }
        if (_continuing != null)
        {
            _continuing = null;
        }
        _turn.Value++;
    }
}
