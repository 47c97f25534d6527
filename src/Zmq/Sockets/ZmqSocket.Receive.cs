using Zmq.Engine;
using Zmq.Messages;

namespace Zmq;

// The receive half of the socket core: every public receive form (Api/*.cs) ends here. Messages are
// fair-queued across pipes (Routing/FairQueue.cs) under the receive lock, whole multipart messages
// at a time; the socket type only filters (Pattern.Accepts). Waiting is in ZmqSocket.Waiting.cs.
public abstract partial class ZmqSocket
{
    /// <summary>Serialises the receivers and guards the fair queue.</summary>
    private protected readonly ShortLock ReceiveLock = new();

    /// <summary>Set once the application receives into buffers of its own: received bodies are then
    /// copied out and can go straight back to the pool, so the read loops rent them from it.</summary>
    private bool _receivesIntoBuffers;

    private void NoteReceiveIntoBuffers()
    {
        if (!Volatile.Read(ref _receivesIntoBuffers) && _pattern.PoolsReceivedBodies)
        {
            Volatile.Write(ref _receivesIntoBuffers, true);
        }
    }

    /// <summary>Takes the next frame if one is waiting; never waits. A frame longer than
    /// <paramref name="maxLength"/> stays queued and <see cref="BufferTooSmallException"/> is thrown.</summary>
    private protected bool TryReceiveCore(out Msg msg, out MessageProperties? properties, int maxLength)
    {
        CheckReceive();
        Pipe? from;
        uint tag;
        try
        {
            using (ReceiveLock.Enter())
            {
                // Where the socket delivers an identity frame first, that frame is the one measured
                // (TakeIdentity), not the message's own first.
                from = NextFrom(_identityFrames && !_pattern.Incoming.InMessage ? int.MaxValue : maxLength);
                if (from == null)
                {
                    msg = default;
                    properties = null;
                    return false;
                }
                if (_identityFrames && TakeIdentity(from, maxLength) is { } identity)
                {
                    msg = Msg.CopyOf(identity, more: true);
                    tag = 0;
                }
                else
                {
                    tag = _grouped ? TakeGroup(from) : from.RoutingId;
                    from.Inbound.TryDequeue(out msg);
                    _pattern.Incoming.Taken(from, msg.More);
                }
            }
        }
        catch (BufferTooSmallException)
        {
            PassOnWakeLeftUnused();
            throw;
        }
        // The peer's routing id, or where messages carry a group, its number (see Received).
        msg.RoutingId = tag;
        properties = from.Properties;
        PassOnReceiveWake();
        return true;
    }

    /// <summary>The receive fast path: the payload goes straight from its queue slot into the buffer.</summary>
    private bool TryReceiveInto(Span<byte> buffer, out ReceiveResult result)
    {
        CheckReceive();
        NoteReceiveIntoBuffers();
        Pipe? from;
        int length;
        bool more;
        uint group = 0;
        try
        {
            using (ReceiveLock.Enter())
            {
                // Measured first only where a group frame comes before the body: DequeueInto measures it otherwise.
                from = NextFrom(_grouped ? buffer.Length : int.MaxValue);
                if (from == null)
                {
                    result = default;
                    return false;
                }
                if (_identityFrames && TakeIdentity(from, buffer.Length) is { } identity)
                {
                    identity.CopyTo(buffer);
                    length = identity.Length;
                    more = true;
                }
                else
                {
                    if (_grouped)
                    {
                        group = TakeGroup(from);
                    }
                    length = from.Inbound.DequeueInto(buffer, out more);
                    _pattern.Incoming.Taken(from, more);
                }
            }
        }
        catch (BufferTooSmallException)
        {
            PassOnWakeLeftUnused();
            throw;
        }
        // Grouped (DISH): no routing id, and the group's number (TakeGroup); else group is 0.
        result = new ReceiveResult(length, _grouped ? 0 : from.RoutingId, more, group);
        PassOnReceiveWake();
        return true;
    }

    /// <summary>Under the receive lock: the pipe the next frame for the application comes from (see
    /// FairQueue.Next), once the pattern has taken the envelope of a message that starts there.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private Pipe? NextFrom(int maxLength)
    {
        var from = _pattern.Incoming.Next(maxLength, _accepts, _grouped);
        if (_conflates && from != null && DropStale(from) > 0)
        {
            // The head is now the pipe's last message: it passes the filter, or the queue moves on.
            from = _pattern.Incoming.Next(maxLength, _accepts, _grouped);
        }
        return _envelopes ? NextAfterEnvelope(from, maxLength) : from;
    }

    /// <summary>Conflate: drops every whole single-frame message of the pipe but its last; the
    /// caller holds the receive lock (the queue's consumer). A multipart message stops it: the
    /// option keeps single-frame messages, as libzmq's. Returns how many went.</summary>
    private int DropStale(Pipe pipe)
    {
        if (_pattern.Incoming.InMessage)
        {
            return 0;
        }
        int dropped = 0;
        var queue = pipe.Inbound;
        // Messages are published whole, so with a single-frame head, more frames are a newer message.
        while (queue.Count > 1 && queue.HasMessage && !queue.Head().More)
        {
            queue.TryDequeue(out var stale);
            stale.Release();
            queue.CountDiscarded();
            pipe.OnInboundDequeued();
            dropped++;
        }
        return dropped;
    }

    /// <summary>A connection's read loop (or an inproc sender) found <paramref name="pipe"/>'s
    /// inbound queue full: with <see cref="Conflate"/>, the stale messages go and it reads on.</summary>
    private bool MakeRoom(Pipe pipe)
    {
        if (!_conflates)
        {
            return false;
        }
        using (ReceiveLock.Enter())
        {
            return DropStale(pipe) > 0;
        }
    }

    private Pipe? NextAfterEnvelope(Pipe? from, int maxLength)
    {
        // The pattern takes the envelope and leaves the body, or drops the whole message; either way
        // the fair queue then says where the next frame comes from.
        while (from != null && !_pattern.Incoming.InMessage)
        {
            _pattern.TakeEnvelope(from);
            from = _pattern.Incoming.Next(maxLength, _accepts, _grouped);
        }
        return from;
    }

    /// <summary>Under the receive lock, where each message starts with the peer's identity (ROUTER):
    /// at the start of a message from <paramref name="from"/>, its identity, delivered as a frame of
    /// its own before the message's; null inside a message.</summary>
    private byte[]? TakeIdentity(Pipe from, int maxLength)
    {
        if (_pattern.Incoming.InMessage)
        {
            return null;
        }
        var identity = from.IdentityOfNextMessage() ?? throw new System.Diagnostics.UnreachableException("a ROUTER pipe's messages are received only once its identity is set");
        if (identity.Length > maxLength)
        {
            throw new BufferTooSmallException(identity.Length, maxLength);
        }
        _pattern.Incoming.Hold(from);
        return identity;
    }

    /// <summary>Under the receive lock, where every message is a group frame and a body (DISH): takes
    /// the group frame of the message <see cref="Routing.FairQueue.Next"/> found, and numbers it.</summary>
    private uint TakeGroup(Pipe from)
    {
        from.Inbound.TryDequeue(out var frame);
        uint id = _pattern.GroupId(frame.Span);
        frame.Release();
        _pattern.Incoming.Taken(from, more: true);
        return id;
    }

    /// <summary>A received message for the application: with its peer's routing id, or its group.</summary>
    private Message Received(in Msg msg, MessageProperties? properties)
    {
        // Two returns, not a choice between two values: that goes through a stack copy.
        if (_grouped)
        {
            return Message.FromReceived(msg, properties).InGroup(Routing.GroupNames.Name(msg.RoutingId));
        }
        return Message.FromReceived(msg, properties);
    }

    private Message Received((Msg Msg, MessageProperties? Properties) got) => Received(got.Msg, got.Properties);

    private MessageBuffer ReceivedBuffer((Msg Msg, MessageProperties? Properties) got) => ReceivedBuffer(got.Msg, got.Properties);

    private MessageBuffer ReceivedBuffer(in Msg msg, MessageProperties? properties)
    {
        var buffer = MessageBuffer.FromReceived(msg, properties);
        if (_grouped)
        {
            buffer.SetGroup(Routing.GroupNames.Name(msg.RoutingId));
        }
        return buffer;
    }

    /// <summary>Takes every frame of the next message into <paramref name="into"/> if one is waiting,
    /// under one hold of the receive lock: the frames of a message are queued together, so they are
    /// all there once the first is.</summary>
    private bool TryReceiveMultipartNow(MultipartMessage into)
    {
        var sink = new CopyingSink(into);
        return TryReceiveWholeNow(ref sink);
    }

    /// <summary>Where a whole-message receive puts the frames: copied into a
    /// <see cref="MultipartMessage"/>, or kept as queued (the proxy's <see cref="HeldMessage"/>).</summary>
    private interface IFrameSink
    {
        void Begin(uint routingId, MessageProperties? properties);

        /// <summary>Takes the frame, which is the sink's to release from then on.</summary>
        void Add(ref Msg frame);
    }

    private readonly struct CopyingSink(MultipartMessage into) : IFrameSink
    {
        public void Begin(uint routingId, MessageProperties? properties)
        {
            into.Clear();
            into.RoutingId = routingId;
            into.Properties = properties;
        }

        public void Add(ref Msg frame)
        {
            into.Add(frame.Span);
            frame.Release();
        }
    }

    /// <summary>Takes a whole message under one hold of the receive lock, so that no other receiver
    /// takes frames from between its frames.</summary>
    private bool TryReceiveWholeNow<TSink>(ref TSink into)
        where TSink : struct, IFrameSink
    {
        CheckReceive();
        using (ReceiveLock.Enter())
        {
            if (_pattern.Incoming.InMessage)
            {
                throw new InvalidOperationException($"a frame-by-frame receive on this {SocketType} stopped inside a message: take its remaining frames (Message.More) with Receive before receiving whole messages");
            }
            var from = NextFrom(int.MaxValue);
            if (from == null)
            {
                return false;
            }
            into.Begin(from.RoutingId, from.Properties);
            if (_identityFrames)
            {
                var identity = Msg.CopyOf(from.IdentityOfNextMessage() ?? throw new System.Diagnostics.UnreachableException("a ROUTER pipe's messages are received only once its identity is set"), more: true);
                into.Add(ref identity);
            }
            bool more;
            do
            {
                from.Inbound.TryDequeue(out var msg);
                more = msg.More;
                into.Add(ref msg);
                _pattern.Incoming.Taken(from, more);
            }
            while (more && from.Inbound.HasMessage);
        }
        PassOnReceiveWake();
        return true;
    }

    /// <summary>Whether a receive call is waiting now (tests observe a blocked receive by it).</summary>
    internal bool HasWaitingReceivers => ReceiveGate.HasWaiters;

    private void CheckReceive()
    {
        ThrowIfDisposed();
        if (!_traits.Receives)
        {
            throw new NotSupportedException($"{SocketType} sockets receive nothing: {SocketType} only sends");
        }
        if (_takesTurns)
        {
            _pattern.CheckReceiveTurn();
        }
    }

    /// <summary>A receiver whose buffer was too small leaves the message queued: the wake-up that
    /// brought it here goes on to another waiting receiver, which may take the message.</summary>
    private void PassOnWakeLeftUnused()
    {
        if (ReceiveGate.HasWaiters)
        {
            ReceiveGate.Pulse();
        }
    }

    /// <summary>A receiver that took a message wakes the next waiting one if more may be left.</summary>
    private void PassOnReceiveWake()
    {
        if (ReceiveGate.HasWaiters && _pattern.Incoming.MaybeHasMessages)
        {
            ReceiveGate.Pulse();
        }
    }

    internal Message Receive() => Received(ReceiveBlocking(ReceiveTimeout, int.MaxValue));

    internal bool TryReceive(out Message message)
    {
        bool got = TryReceiveCore(out var msg, out var properties, int.MaxValue);
        message = got ? Received(msg, properties) : default;
        return got;
    }

    internal bool TryReceive(out Message message, TimeSpan timeout)
    {
        bool got = TryReceiveWithin(timeout, out var received);
        message = got ? Received(received) : default;
        return got;
    }

    internal ValueTask<Message> ReceiveAsync(CancellationToken ct)
    {
        if (TryReceiveCore(out var msg, out var properties, int.MaxValue))
        {
            return new ValueTask<Message>(Received(msg, properties));
        }
        return Slow(ct);

        async ValueTask<Message> Slow(CancellationToken ct) => Received(await ReceiveAsyncCore(int.MaxValue, ct).ConfigureAwait(false));
    }

    internal ReceiveResult Receive(Span<byte> buffer)
    {
        if (TryReceiveInto(buffer, out var now))
        {
            return now;
        }
        var msg = ReceiveBlocking(ReceiveTimeout, buffer.Length).Msg;
        return CopyOut(ref msg, buffer);
    }

    internal bool TryReceive(Span<byte> buffer, out ReceiveResult result) => TryReceiveInto(buffer, out result);

    internal ValueTask<ReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (TryReceiveInto(buffer.Span, out var now))
        {
            return new ValueTask<ReceiveResult>(now);
        }
        return Slow(buffer, ct);

        async ValueTask<ReceiveResult> Slow(Memory<byte> buffer, CancellationToken ct)
        {
            var msg = (await ReceiveAsyncCore(buffer.Length, ct).ConfigureAwait(false)).Msg;
            return CopyOut(ref msg, buffer.Span);
        }
    }

    internal MessageBuffer ReceiveBuffer()
    {
        NoteReceiveIntoBuffers();
        return ReceivedBuffer(ReceiveBlocking(ReceiveTimeout, int.MaxValue));
    }

    internal bool TryReceiveBuffer(out MessageBuffer buffer)
    {
        NoteReceiveIntoBuffers();
        bool got = TryReceiveCore(out var msg, out var properties, int.MaxValue);
        buffer = got ? ReceivedBuffer(msg, properties) : default;
        return got;
    }

    internal ValueTask<MessageBuffer> ReceiveBufferAsync(CancellationToken ct)
    {
        NoteReceiveIntoBuffers();
        if (TryReceiveCore(out var msg, out var properties, int.MaxValue))
        {
            return new ValueTask<MessageBuffer>(ReceivedBuffer(msg, properties));
        }
        return Slow(ct);

        async ValueTask<MessageBuffer> Slow(CancellationToken ct) =>
            ReceivedBuffer(await ReceiveAsyncCore(int.MaxValue, ct).ConfigureAwait(false));
    }

    internal void ReceiveMultipart(MultipartMessage into)
    {
        ArgumentNullException.ThrowIfNull(into);
        if (!TryReceiveMultipartNow(into))
        {
            WaitToReceive(ReceiveTimeout, () => TryReceiveMultipartNow(into));
        }
    }

    internal bool TryReceiveMultipart(MultipartMessage into)
    {
        ArgumentNullException.ThrowIfNull(into);
        return TryReceiveMultipartNow(into);
    }

    internal ValueTask ReceiveMultipartAsync(MultipartMessage into, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(into);
        return TryReceiveMultipartNow(into) ? default : WaitToReceiveAsync(() => TryReceiveMultipartNow(into), ct);
    }

    /// <summary>Copies a received message into the caller's buffer and returns its payload.</summary>
    private ReceiveResult CopyOut(ref Msg msg, Span<byte> buffer)
    {
        // A DISH's message carries its group's number where others carry the routing id.
        var result = new ReceiveResult(msg.Length, _grouped ? 0 : msg.RoutingId, msg.More, _grouped ? msg.RoutingId : 0);
        msg.Span.CopyTo(buffer);
        msg.Release();
        return result;
    }
}
