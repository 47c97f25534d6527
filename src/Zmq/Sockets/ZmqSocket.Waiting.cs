using Zmq.Messages;
using Zmq.Sockets;

namespace Zmq;

// How application threads wait on a socket: the sync, async and timed forms of send and receive
// share one loop each around the socket type's non-blocking rule.
public abstract partial class ZmqSocket
{
    /// <summary>Sends a message and waits per <see cref="SendTimeout"/>: <paramref name="trySend"/> is
    /// the socket type's non-blocking rule, retried whenever the socket becomes writable.</summary>
    private protected void SendBlocking<TState>(ref Msg msg, TState state, TrySendRule<TState> trySend, TimeSpan timeout)
    {
        if (trySend(ref msg, state))
        {
            return;
        }
        if (timeout == TimeSpan.Zero)
        {
            msg.Release();
            throw new TimeoutException($"{SocketType} cannot send now: every peer queue is at SendHighWatermark or no peer is connected (SendTimeout is zero)");
        }
        var deadline = Deadline.After(timeout);
        bool sent = false;
        SendGate.Enter();
        try
        {
            while (true)
            {
                if (trySend(ref msg, state))
                {
                    sent = true;
                    return;
                }
                ThrowIfDisposedReleasing(ref msg);
                if (deadline.HasExpired)
                {
                    msg.Release();
                    throw new TimeoutException($"{SocketType} send timed out after {timeout.TotalMilliseconds} ms: peers are not taking messages (queues at SendHighWatermark or no peer connected)");
                }
                SendGate.Wait(deadline.Remaining);
            }
        }
        finally
        {
            ExitSendGate(sent);
        }
    }

    /// <summary>A sender that got its message in passes the wake-up on (there may be room for another
    /// waiting sender's too), after leaving the gate: counted still, it would pulse only itself, and
    /// its next wait would return for nothing.</summary>
    private void ExitSendGate(bool sent)
    {
        SendGate.Exit();
        if (sent)
        {
            SendGate.Pulse();
        }
    }

    private protected async ValueTask SendAsyncCore<TState>(Msg msg, TState state, TrySendRule<TState> trySend, CancellationToken ct)
    {
        bool sent = false;
        SendGate.Enter();
        try
        {
            while (true)
            {
                if (trySend(ref msg, state))
                {
                    sent = true;
                    return;
                }
                ThrowIfDisposedReleasing(ref msg);
                if (ct.IsCancellationRequested)
                {
                    msg.Release();
                    ct.ThrowIfCancellationRequested();
                }
                try
                {
                    await SendGate.WaitAsync(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    msg.Release();
                    throw;
                }
            }
        }
        finally
        {
            ExitSendGate(sent);
        }
    }

    private void ThrowIfDisposedReleasing(ref Msg msg)
    {
        if (_disposed)
        {
            msg.Release();
            ThrowIfDisposed();
        }
    }

    private protected delegate bool TrySendRule<TState>(ref Msg msg, TState state);

    /// <summary>A socket type's non-blocking receive; a message longer than <paramref name="maxLength"/>
    /// stays queued and the rule throws <see cref="BufferTooSmallException"/>.</summary>
    private protected delegate bool TryReceiveRule(out Msg msg, int maxLength);

    private protected Msg ReceiveBlocking(TryReceiveRule tryReceive, TimeSpan timeout, int maxLength = int.MaxValue)
    {
        if (tryReceive(out var msg, maxLength))
        {
            return msg;
        }
        ThrowIfDisposed();
        if (timeout == TimeSpan.Zero)
        {
            throw new TimeoutException($"{SocketType} has no message to receive (ReceiveTimeout is zero)");
        }
        var deadline = Deadline.After(timeout);
        ReceiveGate.Enter();
        try
        {
            while (true)
            {
                if (tryReceive(out msg, maxLength))
                {
                    return msg;
                }
                ThrowIfDisposed();
                if (deadline.HasExpired)
                {
                    throw new TimeoutException($"{SocketType} receive timed out after {timeout.TotalMilliseconds} ms");
                }
                ReceiveGate.Wait(deadline.Remaining);
            }
        }
        finally
        {
            ReceiveGate.Exit();
        }
    }

    /// <summary><see cref="ReceiveBlocking"/> bounded by <paramref name="timeout"/>: false when
    /// nothing came in time.</summary>
    private protected bool TryReceiveWithin(TryReceiveRule tryReceive, TimeSpan timeout, out Msg msg)
    {
        try
        {
            msg = ReceiveBlocking(tryReceive, timeout);
            return true;
        }
        catch (TimeoutException)
        {
            msg = default;
            return false;
        }
    }

    /// <summary>Copies a received message into the caller's buffer and returns its payload.</summary>
    private protected static ReceiveResult CopyOut(ref Msg msg, Span<byte> buffer)
    {
        var result = new ReceiveResult(msg.Length, msg.RoutingId) { More = msg.More };
        msg.Span.CopyTo(buffer);
        msg.Release();
        return result;
    }

    private protected async ValueTask<Msg> ReceiveAsyncCore(TryReceiveRule tryReceive, CancellationToken ct, int maxLength = int.MaxValue)
    {
        ReceiveGate.Enter();
        try
        {
            while (true)
            {
                if (tryReceive(out var msg, maxLength))
                {
                    return msg;
                }
                ThrowIfDisposed();
                ct.ThrowIfCancellationRequested();
                await ReceiveGate.WaitAsync(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            ReceiveGate.Exit();
        }
    }
}
