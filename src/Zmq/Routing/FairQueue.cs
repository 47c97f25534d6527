using System.Collections.Concurrent;
using Zmq.Engine;
using Zmq.Messages;

namespace Zmq.Routing;

/// <summary>
/// Fair-queued receive (libzmq fq): one message from each pipe with messages in turn. Only pipes
/// that have messages are visited: a pipe drops out when found empty and comes back through a
/// lock-free activation queue when its read loop queues more, so a receive costs the same with ten
/// thousand idle peers as with one. Dequeue runs under the socket's receive lock.
/// </summary>
internal sealed class FairQueue(bool inprocProducersMaySkipFences = false)
{
    private readonly List<Pipe> _active = [];
    private readonly ConcurrentQueue<Pipe> _activations = new();
    private int _current;

    /// <summary>Any thread: the pipe has (or may have) messages. The caller must have issued a full
    /// fence after queuing them: it pairs with the fence in TryDequeue, so that the messages are
    /// visible before the flag is read, or both sides could miss each other and strand the pipe.</summary>
    public void Activate(Pipe pipe)
    {
        if (Volatile.Read(ref pipe.InboundActive) == 0 && Interlocked.CompareExchange(ref pipe.InboundActive, 1, 0) == 0)
        {
            _activations.Enqueue(pipe);
        }
    }

    /// <summary>Approximate, lock-free: whether a receive might find something.</summary>
    public bool MaybeHasMessages => _active.Count > 0 || !_activations.IsEmpty;

    /// <summary>Caller holds the receive lock. A message longer than <paramref name="maxLength"/> is
    /// left where it is.</summary>
    /// <exception cref="BufferTooSmallException">The next message is longer than <paramref name="maxLength"/>.</exception>
    public bool TryDequeue(out Msg msg, out Pipe? from, int maxLength = int.MaxValue)
    {
        from = Current();
        if (from == null)
        {
            msg = default;
            return false;
        }
        if (maxLength < int.MaxValue && from.Inbound.PeekLength() is int length && length > maxLength)
        {
            throw new BufferTooSmallException(length, maxLength);
        }
        from.Inbound.TryDequeue(out msg);
        Taken(from);
        return true;
    }

    /// <summary>Caller holds the receive lock: the pipe whose turn it is among those with a message
    /// waiting, or null when none has one. Take one message from it, then call <see cref="Taken"/>.</summary>
    public Pipe? Current()
    {
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
            if (_current >= _active.Count)
            {
                _current = 0;
            }
            var pipe = _active[_current];
            if (pipe.Inbound.HasMessage)
            {
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
            _active.RemoveAt(_current);
        }
        return null;
    }

    /// <summary>A message was taken from <paramref name="pipe"/>, the <see cref="Current"/> one: the
    /// turn passes on.</summary>
    public void Taken(Pipe pipe)
    {
        pipe.OnInboundDequeued();
        _current++;
    }
}
