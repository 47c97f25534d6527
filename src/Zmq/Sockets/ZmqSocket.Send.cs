using Zmq.Engine;
using Zmq.Messages;
using Zmq.Sockets.Core;

namespace Zmq;

// The send half of the socket core: every public send form (Api/*.cs) ends here. The socket type's
// rule (Pattern.TrySend) runs under the send lock; waiting, timeouts, cancellation and the sender's
// flush of a full connection are done once, here and in ZmqSocket.Waiting.cs.
public abstract partial class ZmqSocket
{
    /// <summary>Serialises the senders, and guards the socket type's routing state and pipe events.</summary>
    private protected readonly ShortLock SendLock = new();

    /// <summary>For a pattern that changes routing outside the core's calls (a command from a peer).</summary>
    internal ShortLock.Scope SendLockScope() => SendLock.Enter();

    /// <summary>For a pattern that changes what receivers read from its send side (XSUB's
    /// subscriptions), holding the send lock already: the lock order is send, then receive.</summary>
    internal ShortLock.Scope ReceiveLockScope() => ReceiveLock.Enter();

    /// <summary>Queues a built message (one frame) if its destination has room; never waits.</summary>
    private bool TrySendCore(ref Msg msg, uint routingId, ReadOnlySpan<byte> group = default)
    {
        for (bool flushed = false; ; flushed = true)
        {
            Pipe? blocked;
            using (SendLock.Enter())
            {
                var frame = new Outgoing(ref msg, routingId, group);
                try
                {
                    if (_pattern.TrySend(ref frame, out blocked))
                    {
                        return true;
                    }
                }
                catch (HostUnreachableException)
                {
                    msg.Release();
                    throw;
                }
            }
            if (flushed || !Flush(blocked))
            {
                return false;
            }
        }
    }

    /// <summary>The send fast path for a payload that fits inline: copied straight into the pipe's
    /// queue slot, with no message built first.</summary>
    private bool TrySendInline(ReadOnlySpan<byte> data, bool more, uint routingId, ReadOnlySpan<byte> group = default)
    {
        for (bool flushed = false; ; flushed = true)
        {
            Pipe? blocked;
            using (SendLock.Enter())
            {
                var frame = new Outgoing(data, more, routingId, group);
                if (_pattern.TrySend(ref frame, out blocked))
                {
                    return true;
                }
            }
            if (flushed || !Flush(blocked))
            {
                return false;
            }
        }
    }

    /// <summary>Outside the send lock: has the full pipe's connection write its queue out now, if
    /// its write loop is not writing (ZmtpConnection.SenderFlush.cs). True when room was made, which
    /// other senders waiting at the HWM hear of as they would from the write loop.</summary>
    private bool Flush(Pipe? blocked)
    {
        if (blocked?.Connection is not { } connection || !connection.FlushForSender(blocked))
        {
            return false;
        }
        SendGate.Pulse();
        return true;
    }

    /// <summary>Sends one frame, waiting up to <see cref="SendTimeout"/> for room.</summary>
    internal void SendFrame(ReadOnlySpan<byte> data, bool more, uint routingId, ReadOnlySpan<byte> group = default)
    {
        CheckSend(more, routingId, group);
        if (data.Length <= Msg.InlineCapacity && TrySendInline(data, more, routingId, group))
        {
            return;
        }
        var msg = Msg.CopyOf(data, more, _fansOut);
        SendBlocking(ref msg, routingId, group, SendTimeout);
    }

    /// <summary>Queues one frame if there is room now; never waits.</summary>
    internal bool TrySendFrame(ReadOnlySpan<byte> data, bool more, uint routingId, ReadOnlySpan<byte> group = default)
    {
        CheckSend(more, routingId, group);
        if (data.Length <= Msg.InlineCapacity)
        {
            return TrySendInline(data, more, routingId, group);
        }
        var msg = Msg.CopyOf(data, more, _fansOut);
        if (TrySendCore(ref msg, routingId, group))
        {
            return true;
        }
        msg.Release();
        return false;
    }

    /// <summary>Sends one frame, waiting asynchronously for room.</summary>
    internal ValueTask SendFrameAsync(ReadOnlyMemory<byte> data, bool more, uint routingId, ReadOnlySpan<byte> group, CancellationToken ct)
    {
        CheckSend(more, routingId, group);
        if (data.Length <= Msg.InlineCapacity && TrySendInline(data.Span, more, routingId, group))
        {
            return default;
        }
        var msg = Msg.CopyOf(data.Span, more, _fansOut);
        return TrySendCore(ref msg, routingId, group) ? default : SendAsyncCore(msg, routingId, group, ct);
    }

    /// <summary>Sends a pooled buffer, waiting up to <see cref="SendTimeout"/>; the library owns it
    /// from the call, and returns it to the pool if the send fails.</summary>
    internal void SendBuffer(ref MessageBuffer buffer, bool more, uint routingId, ReadOnlySpan<byte> group = default)
    {
        var msg = TakeBuffer(ref buffer, more, routingId, group);
        if (!TrySendSmall(ref msg, routingId, group))
        {
            SendBlocking(ref msg, routingId, group, SendTimeout);
        }
    }

    /// <summary>Queues a pooled buffer if there is room now; the caller keeps it when this returns
    /// false, and loses it (back to the pool) when this throws.</summary>
    internal bool TrySendBuffer(ref MessageBuffer buffer, bool more, uint routingId, ReadOnlySpan<byte> group = default)
    {
        RefuseBuffer(ref buffer, more, routingId, group);
        var msg = buffer.ToMsg(more);
        try
        {
            if (!(TrySendSmall(ref msg, routingId, group) || (msg.Length > Msg.InlineCapacity && TrySendCore(ref msg, routingId, group))))
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
    internal ValueTask SendBufferAsync(ref MessageBuffer buffer, bool more, uint routingId, ReadOnlySpan<byte> group, CancellationToken ct)
    {
        var msg = TakeBuffer(ref buffer, more, routingId, group);
        return TrySendSmall(ref msg, routingId, group) || TrySendCore(ref msg, routingId, group) ? default : SendAsyncCore(msg, routingId, group, ct);
    }

    private Msg TakeBuffer(ref MessageBuffer buffer, bool more, uint routingId, ReadOnlySpan<byte> group)
    {
        RefuseBuffer(ref buffer, more, routingId, group);
        var msg = buffer.ToMsg(more);
        buffer.Forget();
        return msg;
    }

    /// <summary>A buffer send refused at once (bad use, disposed socket) still returns the buffer to
    /// the pool, so that every exception from a buffer send leaves the caller's variable empty.</summary>
    private void RefuseBuffer(ref MessageBuffer buffer, bool more, uint routingId, ReadOnlySpan<byte> group)
    {
        try
        {
            CheckSend(more, routingId, group);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>A pooled payload short enough to be inline is copied into the queue slot and its buffer
    /// returned at once, so it costs the write loop nothing.</summary>
    private bool TrySendSmall(ref Msg msg, uint routingId, ReadOnlySpan<byte> group)
    {
        if (msg.Length > Msg.InlineCapacity)
        {
            return false;
        }
        bool sent;
        try
        {
            sent = TrySendInline(msg.Span, msg.More, routingId, group);
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

    /// <summary>Sends every frame of <paramref name="message"/> as one message, waiting up to
    /// <see cref="SendTimeout"/>: all frames or none. Safe from many threads at once.</summary>
    internal void SendMultipart(MultipartMessage message, uint routingId)
    {
        CheckMultipart(message);
        if (TrySendMultipartNow(message, routingId))
        {
            return;
        }
        WaitToSend(SendTimeout, () => TrySendMultipartNow(message, routingId));
    }

    internal bool TrySendMultipart(MultipartMessage message, uint routingId)
    {
        CheckMultipart(message);
        return TrySendMultipartNow(message, routingId);
    }

    internal ValueTask SendMultipartAsync(MultipartMessage message, uint routingId, CancellationToken ct)
    {
        CheckMultipart(message);
        return TrySendMultipartNow(message, routingId) ? default : WaitToSendAsync(() => TrySendMultipartNow(message, routingId), ct);
    }

    private bool TrySendMultipartNow(MultipartMessage message, uint routingId) => TrySendWholeNow(new CopiedSource(message), routingId);

    /// <summary>The frames a whole-message send queues: copied from a <see cref="MultipartMessage"/>,
    /// or moved as another socket queued them (the proxy's <see cref="HeldMessage"/>).</summary>
    private interface IFrameSource
    {
        int Count { get; }

        /// <summary>Queues frame <paramref name="index"/> if the pattern takes it; caller holds the send lock.</summary>
        bool TrySendPart(ZmqSocket socket, int index, uint routingId);
    }

    private readonly struct CopiedSource(MultipartMessage message) : IFrameSource
    {
        public int Count => message.Count;

        public bool TrySendPart(ZmqSocket socket, int index, uint routingId) => socket.TrySendPart(message, index, routingId);
    }

    /// <summary>Under one hold of the send lock, so that no other sender's frames come between: the
    /// first frame decides (room, destination), the others follow it without waiting.</summary>
    private bool TrySendWholeNow<TSource>(TSource message, uint routingId)
        where TSource : struct, IFrameSource
    {
        using (SendLock.Enter())
        {
            if (_pattern.SendingMessage)
            {
                throw new InvalidOperationException($"a frame-by-frame send on this {SocketType} stopped inside a message: send its last frame (more: false) before sending whole messages");
            }
            if (!message.TrySendPart(this, 0, routingId))
            {
                return false;
            }
            for (int i = 1; i < message.Count; i++)
            {
                message.TrySendPart(this, i, routingId);
            }
            return true;
        }
    }

    private bool TrySendPart(MultipartMessage message, int index, uint routingId)
    {
        var data = message.PartSpan(index);
        bool more = index < message.Count - 1;
        if (data.Length <= Msg.InlineCapacity)
        {
            var inline = new Outgoing(data, more, routingId);
            return _pattern.TrySend(ref inline, out _);
        }
        var msg = Msg.CopyOf(data, more, _fansOut);
        var frame = new Outgoing(ref msg, routingId);
        if (_pattern.TrySend(ref frame, out _))
        {
            return true;
        }
        msg.Release();
        return false;
    }

    private void CheckMultipart(MultipartMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ThrowIfDisposed();
        if (message.Count == 0)
        {
            throw new ArgumentException("a message has at least one frame: add one before sending", nameof(message));
        }
        if (message.Count > 1)
        {
            CheckSend(more: true, 0, default);
        }
        else if (_takesTurns)
        {
            _pattern.CheckSendTurn();
        }
    }

    /// <summary>Refuses a send the socket type does not take, with a message that says what to do.
    /// One test on the per-message path; the reasons are sorted out only when it fails.</summary>
    private void CheckSend(bool more, uint routingId, ReadOnlySpan<byte> group)
    {
        if (_disposed | !_traits.Sends | (more & !_traits.Multipart) | (_sendsByRoutingId & routingId == 0) | (_grouped & (group.IsEmpty | group.Length > MaxGroupLength)))
        {
            RefuseSend(more, routingId, group);
        }
        if (_takesTurns)
        {
            _pattern.CheckSendTurn();
        }
    }

    private const int MaxGroupLength = SocketTypes.MaxGroupLength;

    private void RefuseSend(bool more, uint routingId, ReadOnlySpan<byte> group)
    {
        ThrowIfDisposed();
        if (!_traits.Sends)
        {
            throw new NotSupportedException($"{SocketType} sockets send nothing: {SocketType} only receives");
        }
        if (more && !_traits.Multipart)
        {
            throw new NotSupportedException($"{SocketType} sockets carry single-frame messages only (libzmq refuses SNDMORE with EINVAL): join the parts into one message");
        }
        if (_grouped)
        {
            throw new ArgumentException($"a {SocketType} message needs a group of 1 to {MaxGroupLength} bytes (UTF-8); this one has {group.Length}", nameof(group));
        }
        throw new ArgumentOutOfRangeException(nameof(routingId), routingId, "routing id 0 names no peer: reply with the RoutingId of a received Message");
    }
}
