using System.Buffers;
using System.Net.Sockets;
using Zmq.Messages;
using Zmq.Protocol;

namespace Zmq.Engine;

// The write loop: everything queued goes out in as few sends as possible.
internal sealed partial class ZmtpConnection
{
    /// <summary>A batch of a few messages is encoded into a small buffer; the 64 KiB one is rented
    /// only while much is queued. Either is rented per batch and returned when it has gone out, so
    /// an idle connection holds no send buffer.</summary>
    private const int SmallBufferSize = 4 * 1024;

    private static byte[] StartBatch(Pipe pipe) =>
        ArrayPool<byte>.Shared.Rent(pipe.Outbound.Count > 32 ? BufferSize : SmallBufferSize);

    /// <summary>After a flush for want of room: a batch that outgrew the small buffer gets the large one.</summary>
    private static byte[] Grow(byte[] tx)
    {
        if (tx.Length >= BufferSize)
        {
            return tx;
        }
        ArrayPool<byte>.Shared.Return(tx);
        return ArrayPool<byte>.Shared.Rent(BufferSize);
    }

    /// <summary>Set when the write loop has ended: from then on nothing reads the pipe's outbound queue.</summary>
    public bool WriterFinished => Volatile.Read(ref _writerFinished);

    private bool _writerFinished;

    private async Task WriteLoopAsync(Pipe pipe)
    {
        byte[]? tx = null;
        // Messages written since the loop last slept: tells streaming from request-reply traffic.
        int cycleMessages = 0;
        // The write token (ZmtpConnection.SenderFlush.cs): held from the start, given up for each sleep.
        bool holding = true;
        try
        {
            while (true)
            {
                if (_leftover != null)
                {
                    await SendLeftoverAsync().ConfigureAwait(false);
                }
                int pos = 0;
                bool wrote = false;
                while (!_stopped)
                {
                    while (NextWholeFrame() is { } command)
                    {
                        tx ??= StartBatch(pipe);
                        if (pos + command.Length > tx.Length)
                        {
                            await SendAllAsync(tx, pos, default).ConfigureAwait(false);
                            pos = 0;
                            if (command.Length > tx.Length)
                            {
                                await SendAllAsync(command, command.Length, default).ConfigureAwait(false);
                                continue;
                            }
                        }
                        command.CopyTo(tx, pos);
                        pos += command.Length;
                    }
                    if (!_framesUnchanged)
                    {
                        if (!pipe.Outbound.HasMessage)
                        {
                            break;
                        }
                        tx ??= StartBatch(pipe);
                        var through = EncodeThroughMechanism(pipe, tx, ref pos, ref wrote, ref cycleMessages, out var alone);
                        if (through == Batch.Empty)
                        {
                            break;
                        }
                        await SendAllAsync(tx, pos, default).ConfigureAwait(false);
                        pos = 0;
                        if (alone != null)
                        {
                            await SendAllAsync(alone, alone.Length, default).ConfigureAwait(false);
                        }
                        else
                        {
                            tx = Grow(tx);
                        }
                        _host.OutboundProgress(pipe);
                        continue;
                    }
                    if (tx == null && !pipe.Outbound.CanDequeue)
                    {
                        break;
                    }
                    tx ??= StartBatch(pipe);
                    var batch = EncodeQueued(pipe.Outbound, tx, ref pos, ref wrote, ref cycleMessages, out var msg);
                    if (batch == Batch.Empty)
                    {
                        break;
                    }
                    if (batch == Batch.Large)
                    {
                        if (pos + 9 > tx.Length)
                        {
                            await SendAllAsync(tx, pos, default).ConfigureAwait(false);
                            pos = 0;
                        }
                        pos += FrameWriter.WriteHeader(tx.AsSpan(pos), msg.Length, msg.WireFlags);
                        try
                        {
                            await SendGatherAsync(tx, pos, msg.Buffer!, msg.Length).ConfigureAwait(false);
                        }
                        finally
                        {
                            msg.Release();
                        }
                        pos = 0;
                        continue;
                    }
                    // Full: send the batch; the message that did not fit starts the next one.
                    await SendAllAsync(tx, pos, default).ConfigureAwait(false);
                    pos = 0;
                    tx = Grow(tx);
                    _host.OutboundProgress(pipe);
                }
                if (pos > 0)
                {
                    await SendAllAsync(tx!, pos, default).ConfigureAwait(false);
                }
                if (tx != null)
                {
                    ArrayPool<byte>.Shared.Return(tx);
                }
                tx = null;
                if (wrote)
                {
                    _host.OutboundProgress(pipe);
                    continue;
                }
                if (_stopped)
                {
                    return;
                }
                if (_closing)
                {
                    // The FIN follows the last byte. The read loop keeps reading (and discarding) until
                    // the peer closes too, so no unread data turns our close into a reset.
                    _socket.Shutdown(SocketShutdown.Send);
                    _drained.TrySetResult();
                    // Cancelled when the connection ends first (the peer closed its side, as it
                    // should): a pending timer would hold this connection and its socket until it fired.
                    _ = Task.Delay(DrainedCloseTimeout, _stoppedToken.Token).ContinueWith(static (_, state) => ((ZmtpConnection)state!).CloseSocket(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                    return;
                }
                // Asleep, the loop does not write: a sender that fills its pipe meanwhile may.
                Volatile.Write(ref _writeToken, WritingFree);
                holding = false;
                pipe.BeginWriterSleep(streaming: cycleMessages >= AdaptiveFence.StreamingRun);
                cycleMessages = 0;
                // Not the queue's consumer now (a sender may be): a look that writes nothing.
                if (pipe.Outbound.AnyQueued || !_control.IsEmpty || _closing || _stopped || _leftover != null)
                {
                    pipe.CancelWriterSleep();
                }
                else
                {
                    await pipe.WriterWake.WaitAsync().ConfigureAwait(false);
                }
                await TakeWritingAsync(pipe).ConfigureAwait(false);
                holding = true;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            CloseSocket();
        }
        finally
        {
            if (tx != null)
            {
                ArrayPool<byte>.Shared.Return(tx);
            }
            KeepWritingForGood(holding);
            Volatile.Write(ref _writerFinished, true);
        }
    }

    /// <summary>The next control frame (a PING, a PONG, a subscription), through the mechanism when
    /// it transforms frames.</summary>
    private byte[]? NextWholeFrame()
    {
        if (!_control.TryDequeue(out var command))
        {
            return null;
        }
        if (_framesUnchanged)
        {
            return command;
        }
        int header = (command[0] & FrameFlags.Long) != 0 ? FrameFlags.LongHeaderSize : 2;
        return _mechanism.Encode((byte)(command[0] & ~FrameFlags.Long), command.AsSpan(header));
    }

    /// <summary>A mechanism that transforms frames (CURVE): encodes queued messages through it
    /// straight into <paramref name="tx"/>, until the queue is empty, the next does not fit
    /// (<see cref="Batch.Full"/>: it stays queued) or the next is larger than <paramref name="tx"/>
    /// (<see cref="Batch.Large"/>: encoded on its own into <paramref name="alone"/>, or, unless
    /// <paramref name="takeLarge"/>, left queued). Synchronous, so that no queue slot is held across
    /// an await.</summary>
    private Batch EncodeThroughMechanism(Pipe pipe, byte[] tx, ref int pos, ref bool wrote, ref int encoded, out byte[]? alone, bool takeLarge = true)
    {
        alone = null;
        while (pipe.Outbound.HasMessage)
        {
            ref var msg = ref pipe.Outbound.Head();
            int size = _mechanism.EncodedSize(msg.Length);
            if (!takeLarge && (size < 0 || size > tx.Length))
            {
                return Batch.Large;
            }
            if (size < 0)
            {
                // Not known ahead: encoded on its own, then copied into the batch if it fits there.
                var wire = _mechanism.Encode(msg.WireFlags, msg.Span);
                if (pos + wire.Length <= tx.Length)
                {
                    wire.CopyTo(tx, pos);
                    pos += wire.Length;
                }
                else
                {
                    alone = wire;
                }
            }
            else if (size > tx.Length)
            {
                alone = _mechanism.Encode(msg.WireFlags, msg.Span);
            }
            else if (pos + size > tx.Length)
            {
                return Batch.Full;
            }
            else
            {
                _mechanism.EncodeInto(tx.AsSpan(pos, size), msg.WireFlags, msg.Span);
                pos += size;
            }
            msg.Release();
            pipe.Outbound.DropHead();
            wrote = true;
            encoded++;
            if (alone != null)
            {
                return Batch.Large;
            }
        }
        return Batch.Empty;
    }

    private enum Batch { Empty, Full, Large }

    /// <summary>Encodes queued messages into <paramref name="tx"/>, each straight from its queue slot,
    /// until the queue is empty, the next frame does not fit (<see cref="Batch.Full"/>: it stays
    /// queued) or the next message is large enough to be sent from its own array
    /// (<see cref="Batch.Large"/>: taken out as <paramref name="large"/>). Synchronous, so the
    /// per-message work stays out of the async state machine.</summary>
    private static Batch EncodeQueued(MsgQueue queue, byte[] tx, ref int pos, ref bool wrote, ref int encoded, out Msg large, bool takeLarge = true)
    {
        while (queue.HasMessage)
        {
            ref var msg = ref queue.Head();
            if (msg.Length >= LargeMessage)
            {
                if (!takeLarge)
                {
                    large = default;
                    return Batch.Large;
                }
                wrote = true;
                large = msg;
                queue.DropHead();
                return Batch.Large;
            }
            if (pos + FrameWriter.FrameSize(msg.Length) > tx.Length)
            {
                large = default;
                return Batch.Full;
            }
            wrote = true;
            encoded++;
            pos += FrameWriter.WriteFrame(tx.AsSpan(pos), msg.Span, msg.WireFlags);
            msg.Release();
            queue.DropHead();
        }
        large = default;
        return Batch.Empty;
    }
}
