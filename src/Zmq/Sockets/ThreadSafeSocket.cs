using System.Runtime.CompilerServices;
using System.Text;
using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;

namespace Zmq;

/// <summary>
/// The thread-safe, single-frame socket types (CLIENT, SERVER, ...). Any number of threads may
/// send and receive at once. Received messages are fair-queued across peers and each goes to
/// whichever receive call takes it first. Multipart messages from peers are dropped, as libzmq does.
/// </summary>
public abstract class ThreadSafeSocket : ZmqSocket
{
    private readonly ShortLock _receiveLock = new();

    /// <summary>Serialises the senders, and guards the socket type's routing state.</summary>
    private protected readonly ShortLock SendLock = new();
    /// <summary>Its inproc peers skip their fence while streaming (<see cref="OnPipeInboundReady"/>).</summary>
    private readonly FairQueue _fairQueue = new(inprocProducersMaySkipFences: true);
    private readonly TryReceiveRule _tryReceive;

    private protected ThreadSafeSocket(ZmqContext? context)
        : base(context)
    {
        _tryReceive = TryReceiveCore;
    }

    private protected override bool AcceptsMultipart => false;

    private protected override bool ReadsWhenEmpty => true;

    /// <summary>Under <see cref="SendLock"/>: the pipe the next message for <paramref name="routingId"/>
    /// (ignored where sending is not by id) should go to, or null when that pipe (or every pipe)
    /// is at its high-water mark.</summary>
    private protected abstract Pipe? PipeWithRoom(uint routingId);

    /// <summary>The socket type's non-blocking send: queues <paramref name="msg"/> if a pipe has room.</summary>
    private protected bool TrySendCore(ref Msg msg, uint routingId)
    {
        for (bool flushed = false; ; flushed = true)
        {
            Pipe? full;
            using (SendLock.Enter())
            {
                Pipe? pipe;
                try
                {
                    pipe = PipeWithRoom(routingId);
                }
                catch (HostUnreachableException)
                {
                    msg.Release();
                    throw;
                }
                if (pipe != null)
                {
                    pipe.Write(msg);
                    msg = default;
                    return true;
                }
                full = flushed ? null : FullPipe(routingId);
            }
            if (!Flush(full))
            {
                return false;
            }
        }
    }

    /// <summary>Under <see cref="SendLock"/>, after <see cref="PipeWithRoom"/> found no room: the
    /// full pipe the message would go to next.</summary>
    private protected abstract Pipe? FullPipe(uint routingId);

    /// <summary>Outside the send lock: has the full pipe's connection write its queue out now, if
    /// its write loop is not writing (ZmtpConnection.SenderFlush.cs). True when room was made, which
    /// other senders waiting at the HWM hear of as they would from the write loop.</summary>
    private bool Flush(Pipe? full)
    {
        if (full?.Connection is not { } connection || !connection.FlushForSender(full))
        {
            return false;
        }
        SendGate.Pulse();
        return true;
    }

    /// <summary>The send fast path for a payload that fits inline: copied straight into the pipe's
    /// queue, with no message built first.</summary>
    private protected bool TrySendInline(ReadOnlySpan<byte> data, uint routingId)
    {
        for (bool flushed = false; ; flushed = true)
        {
            Pipe? full;
            using (SendLock.Enter())
            {
                if (PipeWithRoom(routingId) is { } pipe)
                {
                    pipe.WriteInline(data);
                    return true;
                }
                full = flushed ? null : FullPipe(routingId);
            }
            if (!Flush(full))
            {
                return false;
            }
        }
    }

    /// <summary>Sends, waiting up to <see cref="ZmqSocket.SendTimeout"/> for room.</summary>
    private protected void SendCore(ReadOnlySpan<byte> data, uint routingId, TrySendRule<uint> trySend)
    {
        if (data.Length <= Msg.InlineCapacity && TrySendInline(data, routingId))
        {
            return;
        }
        var msg = Msg.CopyOf(data);
        SendBlocking(ref msg, routingId, trySend, SendTimeout);
    }

    /// <summary>Queues if there is room now; never waits.</summary>
    private protected bool TrySendNow(ReadOnlySpan<byte> data, uint routingId)
    {
        if (data.Length <= Msg.InlineCapacity)
        {
            return TrySendInline(data, routingId);
        }
        var msg = Msg.CopyOf(data);
        if (TrySendCore(ref msg, routingId))
        {
            return true;
        }
        msg.Release();
        return false;
    }

    /// <summary>Sends, waiting asynchronously for room.</summary>
    private protected ValueTask SendAsyncCore(ReadOnlyMemory<byte> data, uint routingId, TrySendRule<uint> trySend, CancellationToken ct)
    {
        if (data.Length <= Msg.InlineCapacity && TrySendInline(data.Span, routingId))
        {
            return default;
        }
        var msg = Msg.CopyOf(data.Span);
        return TrySendCore(ref msg, routingId) ? default : SendAsyncCore(msg, routingId, trySend, ct);
    }

    /// <summary>Checks a buffer send before it starts; one that is refused at once (disposed socket,
    /// routing id 0) still returns the buffer to the pool, so that every exception from a buffer
    /// send leaves the caller's variable empty.</summary>
    private protected void TakeIfRefused(ref MessageBuffer message, uint routingId, bool byRoutingId)
    {
        if (IsDisposed || (byRoutingId && routingId == 0))
        {
            message.Dispose();
            ThrowIfDisposed();
            throw RoutingIdZero();
        }
    }

    private protected static ArgumentOutOfRangeException RoutingIdZero() =>
        new("routingId", "routing id 0 names no peer: reply with the RoutingId of a received Message");

    /// <summary>Sends a pooled buffer, waiting up to <see cref="ZmqSocket.SendTimeout"/>; the library
    /// owns it from the call, and returns it to the pool if the send fails.</summary>
    private protected void SendCore(ref MessageBuffer buffer, uint routingId, TrySendRule<uint> trySend)
    {
        var msg = buffer.ToMsg();
        buffer.Forget();
        if (!TrySendSmall(ref msg, routingId))
        {
            SendBlocking(ref msg, routingId, trySend, SendTimeout);
        }
    }

    /// <summary>Queues a pooled buffer if there is room now; the caller keeps it when this returns
    /// false, and loses it (back to the pool) when this throws.</summary>
    private protected bool TrySendNow(ref MessageBuffer buffer, uint routingId)
    {
        var msg = buffer.ToMsg();
        try
        {
            if (!(TrySendSmall(ref msg, routingId) || (msg.Length > Msg.InlineCapacity && TrySendCore(ref msg, routingId))))
            {
                return false;
            }
        }
        catch (HostUnreachableException)
        {
            buffer.Forget();
            throw;
        }
        buffer.Forget();
        return true;
    }

    /// <summary>Sends a pooled buffer, waiting asynchronously for room; the library owns it from the call.</summary>
    private protected ValueTask SendAsyncCore(ref MessageBuffer buffer, uint routingId, TrySendRule<uint> trySend, CancellationToken ct)
    {
        var msg = buffer.ToMsg();
        buffer.Forget();
        return TrySendSmall(ref msg, routingId) || TrySendCore(ref msg, routingId) ? default : SendAsyncCore(msg, routingId, trySend, ct);
    }

    /// <summary>A pooled payload short enough to be inline is copied into the queue slot and its buffer
    /// returned at once, so it costs the write loop nothing.</summary>
    private bool TrySendSmall(ref Msg msg, uint routingId)
    {
        if (msg.Length > Msg.InlineCapacity)
        {
            return false;
        }
        bool sent;
        try
        {
            sent = TrySendInline(msg.Span, routingId);
        }
        catch (HostUnreachableException)
        {
            msg.Release();
            throw;
        }
        if (sent)
        {
            msg.Release();
        }
        return sent;
    }

    /// <summary>Receives the next message as a pooled buffer, waiting up to
    /// <see cref="ZmqSocket.ReceiveTimeout"/>: no copy, nothing allocated. Dispose it once read.</summary>
    /// <exception cref="TimeoutException">Nothing arrived in time.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public MessageBuffer ReceiveBuffer()
    {
        NoteReceiveIntoBuffers();
        return MessageBuffer.FromReceived(ReceiveBlocking(_tryReceive, ReceiveTimeout));
    }

    /// <summary>Takes the next message as a pooled buffer if one is waiting; never waits.</summary>
    public bool TryReceiveBuffer(out MessageBuffer buffer)
    {
        ThrowIfDisposed();
        NoteReceiveIntoBuffers();
        if (TryReceiveCore(out var msg, int.MaxValue))
        {
            buffer = MessageBuffer.FromReceived(msg);
            return true;
        }
        buffer = default;
        return false;
    }

    /// <summary>Receives the next message as a pooled buffer asynchronously. Dispose it once read.</summary>
    public ValueTask<MessageBuffer> ReceiveBufferAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        NoteReceiveIntoBuffers();
        if (TryReceiveCore(out var msg, int.MaxValue))
        {
            return new ValueTask<MessageBuffer>(MessageBuffer.FromReceived(msg));
        }
        return Slow(cancellationToken);

        async ValueTask<MessageBuffer> Slow(CancellationToken ct) =>
            MessageBuffer.FromReceived(await ReceiveAsyncCore(_tryReceive, ct).ConfigureAwait(false));
    }

    /// <summary>Receives the next message, waiting up to <see cref="ZmqSocket.ReceiveTimeout"/>.</summary>
    /// <exception cref="TimeoutException">Nothing arrived in time.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public Message Receive() => ToMessage(ReceiveBlocking(_tryReceive, ReceiveTimeout));

    /// <summary>Receives the next message into <paramref name="buffer"/>, waiting up to
    /// <see cref="ZmqSocket.ReceiveTimeout"/>. Allocates nothing: the fastest way to receive.</summary>
    /// <exception cref="BufferTooSmallException">The next message is longer than the buffer; it stays queued.</exception>
    /// <exception cref="TimeoutException">Nothing arrived in time.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public ReceiveResult Receive(Span<byte> buffer)
    {
        NoteReceiveIntoBuffers();
        if (TryReceiveInto(buffer, out var now))
        {
            return now;
        }
        var msg = ReceiveBlocking(_tryReceive, ReceiveTimeout, buffer.Length);
        return CopyOut(ref msg, buffer);
    }

    /// <summary>Takes a message into <paramref name="buffer"/> if one is waiting; never waits.</summary>
    /// <exception cref="BufferTooSmallException">The next message is longer than the buffer; it stays queued.</exception>
    public bool TryReceive(Span<byte> buffer, out ReceiveResult result)
    {
        ThrowIfDisposed();
        NoteReceiveIntoBuffers();
        return TryReceiveInto(buffer, out result);
    }

    /// <summary>Receives the next message into <paramref name="buffer"/> asynchronously.</summary>
    /// <exception cref="BufferTooSmallException">The next message is longer than the buffer; it stays queued.</exception>
    public ValueTask<ReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        NoteReceiveIntoBuffers();
        if (TryReceiveInto(buffer.Span, out var now))
        {
            return new ValueTask<ReceiveResult>(now);
        }
        return Slow(buffer, cancellationToken);

        async ValueTask<ReceiveResult> Slow(Memory<byte> buffer, CancellationToken ct)
        {
            var msg = await ReceiveAsyncCore(_tryReceive, ct, buffer.Length).ConfigureAwait(false);
            return CopyOut(ref msg, buffer.Span);
        }
    }

    private void NoteReceiveIntoBuffers()
    {
        if (!ReceivesIntoBuffers)
        {
            ReceivesIntoBuffers = true;
        }
    }

    /// <summary>Receives the next message as UTF-8 text.</summary>
    public string ReceiveString() => Receive().ToString();

    /// <summary>Takes a message if one is waiting; never waits.</summary>
    public bool TryReceive(out Message message)
    {
        ThrowIfDisposed();
        if (TryReceiveCore(out var msg, int.MaxValue))
        {
            message = ToMessage(msg);
            return true;
        }
        message = default;
        return false;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a message; false if none came.</summary>
    public bool TryReceive(out Message message, TimeSpan timeout)
    {
        bool got = TryReceiveWithin(_tryReceive, timeout, out var msg);
        message = got ? ToMessage(msg) : default;
        return got;
    }

    /// <summary>Receives the next message asynchronously.</summary>
    public ValueTask<Message> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (TryReceiveCore(out var msg, int.MaxValue))
        {
            return new ValueTask<Message>(ToMessage(msg));
        }
        return Slow(cancellationToken);

        async ValueTask<Message> Slow(CancellationToken ct) => ToMessage(await ReceiveAsyncCore(_tryReceive, ct).ConfigureAwait(false));
    }

    /// <summary>Receives messages until cancelled or the socket is disposed.</summary>
    public async IAsyncEnumerable<Message> ReceiveAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested && !IsDisposed)
        {
            Message m;
            try
            {
                m = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                yield break;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            yield return m;
        }
    }

    /// <summary>The receive fast path: the payload goes straight from its queue slot into the buffer.</summary>
    private bool TryReceiveInto(Span<byte> buffer, out ReceiveResult result)
    {
        Pipe? from;
        int length;
        try
        {
            using (_receiveLock.Enter())
            {
                from = _fairQueue.Current();
                if (from == null)
                {
                    result = default;
                    return false;
                }
                length = from.Inbound.DequeueInto(buffer);
                _fairQueue.Taken(from);
            }
        }
        catch (BufferTooSmallException)
        {
            PassOnWakeLeftUnused();
            throw;
        }
        result = new ReceiveResult(length, from.RoutingId);
        PassOnReceiveWake();
        return true;
    }

    private bool TryReceiveCore(out Msg msg, int maxLength)
    {
        Pipe? from;
        try
        {
            using (_receiveLock.Enter())
            {
                if (!_fairQueue.TryDequeue(out msg, out from, maxLength))
                {
                    return false;
                }
            }
        }
        catch (BufferTooSmallException)
        {
            PassOnWakeLeftUnused();
            throw;
        }
        msg.RoutingId = from!.RoutingId;
        PassOnReceiveWake();
        return true;
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
        if (ReceiveGate.HasWaiters && _fairQueue.MaybeHasMessages)
        {
            ReceiveGate.Pulse();
        }
    }

    private static Message ToMessage(in Msg msg) => Message.FromReceived(msg);

    private protected override void OnPipeInboundReady(Pipe pipe)
    {
        if (pipe.InboundSeenWithoutFence)
        {
            return;
        }
        // One fence orders the producer's queued messages before both flag reads below (the fair
        // queue's active flag and the receive gate's waiter count); an inproc send pays only this one.
        Interlocked.MemoryBarrier();
        _fairQueue.Activate(pipe);
        ReceiveGate.PulseFenced();
    }

    private protected static NotSupportedException MultipartNotSupported(string socketType) =>
        new($"{socketType} sockets carry single-frame messages only (libzmq refuses SNDMORE with EINVAL): join the parts into one message");
}
