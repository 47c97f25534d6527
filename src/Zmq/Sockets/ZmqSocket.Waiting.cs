using Zmq.Messages;
using Zmq.Sockets;

namespace Zmq;

// How application threads wait on a socket: the sync, async and timed forms of send and receive
// share one loop each around the socket type's non-blocking rule.
public abstract partial class ZmqSocket
{
    /// <summary>Sends a message and waits per <see cref="SendTimeout"/>, retrying whenever the socket
    /// becomes writable.is
    /// the socket type's non-blocking rule, retried whenever the socket becomes writable.</summary>
    private void SendBlocking(ref Msg msg, uint routingId, TimeSpan timeout)
    {
        if (TrySendCore(ref msg, routingId))
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
                if (TrySendCore(ref msg, routingId))
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

    private async ValueTask SendAsyncCore(Msg msg, uint routingId, CancellationToken ct)
    {
        bool sent = false;
        SendGate.Enter();
        try
        {
            while (true)
            {
                if (TrySendCore(ref msg, routingId))
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

    private Msg ReceiveBlocking(TimeSpan timeout, int maxLength)
    {
        if (TryReceiveCore(out var msg, maxLength))
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
                if (TryReceiveCore(out msg, maxLength))
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
    private bool TryReceiveWithin(TimeSpan timeout, out Msg msg)
    {
        try
        {
            msg = ReceiveBlocking(timeout, int.MaxValue);
            return true;
        }
        catch (TimeoutException)
        {
            msg = default;
            return false;
        }
    }

    private async ValueTask<Msg> ReceiveAsyncCore(int maxLength, CancellationToken ct)
    {
        ReceiveGate.Enter();
        try
        {
            while (true)
            {
                if (TryReceiveCore(out var msg, maxLength))
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

    /// <summary>Waits up to <paramref name="timeout"/> until <paramref name="attempt"/> succeeds,
    /// retrying whenever the socket becomes writable (whole multipart sends).</summary>
    private void WaitToSend(TimeSpan timeout, Func<bool> attempt) => WaitUntil(SendGate, timeout, attempt, "send", "peers are not taking messages (queues at SendHighWatermark or no peer connected)");

    private void WaitToReceive(TimeSpan timeout, Func<bool> attempt) => WaitUntil(ReceiveGate, timeout, attempt, "receive", "no message arrived");

    private void WaitUntil(WaitGate gate, TimeSpan timeout, Func<bool> attempt, string what, string why)
    {
        if (timeout == TimeSpan.Zero)
        {
            throw new TimeoutException($"{SocketType} cannot {what} now: {why} (the timeout is zero)");
        }
        var deadline = Deadline.After(timeout);
        bool done = false;
        gate.Enter();
        try
        {
            while (true)
            {
                if (attempt())
                {
                    done = true;
                    return;
                }
                ThrowIfDisposed();
                if (deadline.HasExpired)
                {
                    throw new TimeoutException($"{SocketType} {what} timed out after {timeout.TotalMilliseconds} ms: {why}");
                }
                gate.Wait(deadline.Remaining);
            }
        }
        finally
        {
            gate.Exit();
            if (done)
            {
                gate.Pulse();
            }
        }
    }

    private ValueTask WaitToSendAsync(Func<bool> attempt, CancellationToken ct) => WaitUntilAsync(SendGate, attempt, ct);

    private ValueTask WaitToReceiveAsync(Func<bool> attempt, CancellationToken ct) => WaitUntilAsync(ReceiveGate, attempt, ct);

    private async ValueTask WaitUntilAsync(WaitGate gate, Func<bool> attempt, CancellationToken ct)
    {
        bool done = false;
        gate.Enter();
        try
        {
            while (true)
            {
                if (attempt())
                {
                    done = true;
                    return;
                }
                ThrowIfDisposed();
                ct.ThrowIfCancellationRequested();
                await gate.WaitAsync(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
            }
        }
        finally
        {
            gate.Exit();
            if (done)
            {
                gate.Pulse();
            }
        }
    }
}
