using System.Buffers;
using System.Net.Sockets;
using Zmq.Messages;
using Zmq.Protocol;

namespace Zmq.Engine;

// The write loop: everything queued goes out in as few sends as possible.
internal sealed partial class ZmtpConnection
{
    /// <summary>A light connection's batches go out of a small buffer of its own; the 64 KiB one is
    /// rented only while much is queued. (The OS socket's cached send arguments keep a reference to
    /// the last buffer sent from, so a rented one would stay alive per idle connection.)</summary>
    private const int SmallBufferSize = 4 * 1024;

    private byte[]? _smallTx;

    private byte[] StartBatch(Pipe pipe) =>
        pipe.Outbound.Count > 32 ? ArrayPool<byte>.Shared.Rent(BufferSize) : (_smallTx ??= new byte[SmallBufferSize]);

    /// <summary>After a flush for want of room: a batch that outgrew the small buffer gets the large one.</summary>
    private byte[] Grow(byte[] tx) => tx == _smallTx ? ArrayPool<byte>.Shared.Rent(BufferSize) : tx;

    private async Task WriteLoopAsync(Pipe pipe)
    {
        byte[]? tx = null;
        try
        {
            while (true)
            {
                int pos = 0;
                bool wrote = false;
                while (!_stopped)
                {
                    while (_control.TryDequeue(out var command))
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
                    if (tx == null && !pipe.Outbound.CanDequeue)
                    {
                        break;
                    }
                    tx ??= StartBatch(pipe);
                    var batch = EncodeQueued(pipe.Outbound, tx, ref pos, ref wrote, out var msg);
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
                        pos += FrameWriter.WriteHeader(tx.AsSpan(pos), msg.Length, msg.More ? FrameFlags.More : (byte)0);
                        await SendGatherAsync(tx, pos, msg.Buffer!, msg.Length).ConfigureAwait(false);
                        pos = 0;
                        msg.Release();
                        continue;
                    }
                    // Full: send the batch, then the message that did not fit starts the next one.
                    await SendAllAsync(tx, pos, default).ConfigureAwait(false);
                    tx = Grow(tx);
                    pos = Encode(tx, 0, ref msg);
                    _host.OutboundProgress(pipe);
                }
                if (pos > 0)
                {
                    await SendAllAsync(tx!, pos, default).ConfigureAwait(false);
                }
                if (tx != null && tx != _smallTx)
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
                    _ = Task.Delay(DrainedCloseTimeout).ContinueWith(_ => CloseSocket(), TaskScheduler.Default);
                    return;
                }
                pipe.BeginWriterSleep();
                if (pipe.Outbound.CanDequeue || !_control.IsEmpty || _closing || _stopped)
                {
                    pipe.CancelWriterSleep();
                    continue;
                }
                await pipe.WriterWake.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            CloseSocket();
        }
    }

    private enum Batch { Empty, Full, Large }

    /// <summary>Encodes queued messages into <paramref name="tx"/> until the queue is empty, the next
    /// frame does not fit (<see cref="Batch.Full"/>) or the next message is large enough to be sent
    /// from its own array (<see cref="Batch.Large"/>); in the last two cases that message is
    /// <paramref name="pending"/>. Synchronous, so the per-message work stays out of the async
    /// state machine.</summary>
    private static Batch EncodeQueued(MsgQueue queue, byte[] tx, ref int pos, ref bool wrote, out Msg pending)
    {
        while (queue.TryDequeue(out pending))
        {
            wrote = true;
            if (pending.Length >= LargeMessage)
            {
                return Batch.Large;
            }
            if (pos + FrameWriter.FrameSize(pending.Length) > tx.Length)
            {
                return Batch.Full;
            }
            pos = Encode(tx, pos, ref pending);
        }
        return Batch.Empty;
    }

    private static int Encode(byte[] tx, int pos, ref Msg msg)
    {
        pos += FrameWriter.WriteFrame(tx.AsSpan(pos), msg.Span, msg.More ? FrameFlags.More : (byte)0);
        msg.Release();
        return pos;
    }

    /// <summary>Sends what is batched plus a large body in one call, the body from its own array.</summary>
    private async ValueTask SendGatherAsync(byte[] head, int headCount, byte[] body, int bodyCount)
    {
        _gather ??= [default, default];
        _gather[0] = new ArraySegment<byte>(head, 0, headCount);
        _gather[1] = new ArraySegment<byte>(body, 0, bodyCount);
        int sent = await _socket.SendAsync(_gather, SocketFlags.None).ConfigureAwait(false);
        // A partial send leaves the rest to go the plain way.
        if (sent < headCount)
        {
            await SendAllAsync(head[sent..headCount], headCount - sent, default).ConfigureAwait(false);
            sent = headCount;
        }
        int bodySent = sent - headCount;
        while (bodySent < bodyCount)
        {
            bodySent += await _socket.SendAsync(body.AsMemory(bodySent, bodyCount - bodySent), SocketFlags.None).ConfigureAwait(false);
        }
    }

    private async ValueTask SendAllAsync(byte[] buffer, int count, CancellationToken ct)
    {
        int sent = 0;
        while (sent < count)
        {
            sent += await _socket.SendAsync(buffer.AsMemory(sent, count - sent), SocketFlags.None, ct).ConfigureAwait(false);
        }
    }
}
