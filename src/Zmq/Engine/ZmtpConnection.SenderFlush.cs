using System.Buffers;
using System.Net.Sockets;
using Zmq.Messages;

namespace Zmq.Engine;

// Writing by the sending thread. A sender whose pipe is at its high-water mark would otherwise wait
// for the write loop, a thread-pool continuation that a busy machine may not run for a while, and
// then be woken by it: a wake-up on each side per queue-full of messages. When the write loop is not
// writing at that moment, the sender encodes the queue and hands it to the kernel itself (without
// waiting: a send the kernel cannot take whole leaves the rest to the loop), and goes on sending.
//
// One thread writes at a time: the write token is held by the write loop while it is awake, by a
// sender while it flushes, and by the loop for good once it has ended.
internal sealed partial class ZmtpConnection
{
    private const int WritingFree = 0;
    private const int WritingTaken = 1;

    /// <summary>Taken from the start: the write loop owns it until it first sleeps, so nothing a sender
    /// writes can overtake the greeting's control frames (the hello message among them).</summary>
    private int _writeToken = WritingTaken;

    /// <summary>Bytes a sender's flush encoded but the kernel did not take, <c>[0.._leftoverCount)</c>;
    /// the write loop sends them before anything else.</summary>
    private byte[]? _leftover;
    private int _leftoverCount;

    private bool TryTakeWriting() =>
        Volatile.Read(ref _writeToken) == WritingFree
        && Interlocked.CompareExchange(ref _writeToken, WritingTaken, WritingFree) == WritingFree;

    /// <summary>Sending thread, its pipe full: writes the queued messages if no other thread is
    /// writing. True when messages left the queue, so that there is room again.</summary>
    public bool FlushForSender(Pipe pipe)
    {
        // A mechanism that transforms frames (CURVE) encodes here too: the token makes this thread the
        // only one using it, and its boxes cost more than a wake-up, so the sender that would wait
        // for the loop does the work instead.
        if (_closing || !_control.IsEmpty || !TryTakeWriting())
        {
            return false;
        }
        byte[]? tx = null;
        int encoded = 0;
        try
        {
            if (_stopped || _closing || _leftover != null)
            {
                return false;
            }
            // What is queued now, and no more: other senders may be refilling the queue meanwhile,
            // and each of them waits for this one.
            long end = pipe.Outbound.Dequeued + pipe.Outbound.Count;
            tx = ArrayPool<byte>.Shared.Rent(BufferSize);
            while (true)
            {
                int pos = 0;
                bool wrote = false;
                var batch = _framesUnchanged
                    ? EncodeQueued(pipe.Outbound, tx, ref pos, ref wrote, ref encoded, out _, takeLarge: false)
                    : EncodeThroughMechanism(pipe, tx, ref pos, ref wrote, ref encoded, out _, takeLarge: false);
                int sent = pos == 0 ? 0 : SendNow(tx.AsSpan(0, pos));
                if (sent < pos)
                {
                    // The kernel is full: the rest goes with the loop, which can wait for room.
                    Buffer.BlockCopy(tx, sent, tx, 0, pos - sent);
                    _leftover = tx;
                    _leftoverCount = pos - sent;
                    tx = null;
                    break;
                }
                if (batch != Batch.Full || pipe.Outbound.Dequeued >= end)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            CloseSocket();
        }
        finally
        {
            if (tx != null)
            {
                ArrayPool<byte>.Shared.Return(tx);
            }
            ReleaseWritingForSender(pipe);
        }
        return encoded > 0;
    }

    /// <summary>The token goes back, then (after a fence that pairs with the one a write loop makes
    /// between declaring sleep and looking at the token) a sleeping loop is woken if work is left.</summary>
    private void ReleaseWritingForSender(Pipe pipe)
    {
        Volatile.Write(ref _writeToken, WritingFree);
        Interlocked.MemoryBarrier();
        if (_leftover != null || pipe.Outbound.AnyQueued || !_control.IsEmpty || _closing || _stopped)
        {
            pipe.WakeWriter();
        }
    }

    /// <summary>Write loop: sends what a sender's flush left over.</summary>
    private async ValueTask SendLeftoverAsync()
    {
        var leftover = _leftover!;
        _leftover = null;
        try
        {
            await SendAllAsync(leftover, _leftoverCount, default).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(leftover);
        }
    }

    /// <summary>Write loop, on waking: takes the token, sleeping again while a sender holds it (the
    /// sender wakes it when it gives the token back with work left).</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask TakeWritingAsync(Pipe pipe)
    {
        while (!TryTakeWriting())
        {
            pipe.BeginWriterSleepAgain();
            if (Volatile.Read(ref _writeToken) == WritingFree)
            {
                pipe.CancelWriterSleep();
                continue;
            }
            await pipe.WriterWake.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Write loop, ending: it keeps the token for good, so no sender writes after it.</summary>
    private void KeepWritingForGood(bool holding)
    {
        var spin = new SpinWait();
        while (!holding && !TryTakeWriting())
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        if (_leftover is { } leftover)
        {
            _leftover = null;
            ArrayPool<byte>.Shared.Return(leftover);
        }
    }
}
