using Zmq.Engine;
using Zmq.Messages;
using Zmq.Sockets;

namespace Zmq;

// How application threads wait on a socket. Every blocking form is one attempt (send a message,
// receive one, send or receive a whole multipart message) retried in one loop, sync or async,
// each time its gate is pulsed: register, try, then sleep, so that a pulse between the try and the
// sleep is never missed.
public abstract partial class ZmqSocket
{
    /// <summary>What a blocking call keeps trying. A struct, so that waiting allocates nothing.</summary>
    private interface IAttempt
    {
        bool Try(ZmqSocket socket);

        /// <summary>The call is given up (timeout, cancellation, disposal): what it holds goes back.</summary>
        void Abandon();
    }

    /// <summary>A group (RADIO) is copied only here, for a send that has to wait.</summary>
    private struct SendAttempt(Msg msg, uint routingId, byte[]? group) : IAttempt
    {
        private Msg _msg = msg;

        public bool Try(ZmqSocket socket) => socket.TrySendCore(ref _msg, routingId, group);

        public void Abandon() => _msg.Release();
    }

    private struct ReceiveAttempt(int maxLength) : IAttempt
    {
        public Msg Msg;
        public MessageProperties? Properties;

        public bool Try(ZmqSocket socket) => socket.TryReceiveCore(out Msg, out Properties, maxLength);

        public readonly void Abandon()
        {
        }
    }

    /// <summary>A whole multipart message, sent or received under one hold of its lock.</summary>
    private readonly struct WholeAttempt(Func<bool> attempt) : IAttempt
    {
        public bool Try(ZmqSocket socket) => attempt();

        public void Abandon()
        {
        }
    }

    private enum Direction
    {
        Send,
        Receive,
    }

    private WaitGate GateOf(Direction d) => d == Direction.Send ? SendGate : ReceiveGate;

    /// <summary>Tries, then waits up to <paramref name="timeout"/> (negative: forever) for the attempt
    /// to succeed. A sender that got in passes the wake-up on (there may be room for another waiting
    /// sender's message too), after leaving the gate: counted still, it would pulse only itself.
    /// Receivers pass theirs on as they take a message (ZmqSocket.Receive.cs).</summary>
    private void Wait<T>(Direction direction, ref T attempt, TimeSpan timeout)
        where T : struct, IAttempt
    {
        if (attempt.Try(this))
        {
            return;
        }
        var polled = direction == Direction.Receive && timeout != TimeSpan.Zero ? Volatile.Read(ref _solePipe) : null;
        if (polled != null && Volatile.Read(ref polled.ReceiverPolls) == 0)
        {
            Volatile.Write(ref polled.ReceiverPolls, 1);
        }
        AbandonIfDisposed(ref attempt);
        if (timeout == TimeSpan.Zero)
        {
            attempt.Abandon();
            throw TimedOut(direction, timeout);
        }
        var deadline = Deadline.After(timeout);
        var gate = GateOf(direction);
        bool done = false;
        long began = StartOfWait(direction);
        gate.Enter();
        try
        {
            while (true)
            {
                if (attempt.Try(this))
                {
                    done = true;
                    return;
                }
                AbandonIfDisposed(ref attempt);
                if (deadline.HasExpired)
                {
                    attempt.Abandon();
                    throw TimedOut(direction, timeout);
                }
                if (polled != null && PolledReadable(polled, deadline))
                {
                    continue;
                }
                gate.Wait(deadline.Remaining);
            }
        }
        finally
        {
            Leave(direction, gate, done, began);
        }
    }

    /// <summary>The only pipe of a socket that receives through its fair queue, or null: a receiver
    /// waiting on it may wait for bytes in the kernel and read them itself. That shortens replies,
    /// and for a stream (a PULL that has caught up, reading handed over) it spares the read loop's
    /// round trip through .NET's socket thread and the thread pool each time the socket runs dry:
    /// on 2 cores PUSH → PULL at 64 B ran 5% faster in the median of 20 runs, PUB → 10 SUBs 14%.</summary>
    private Pipe? _solePipe;

    /// <summary>Tests: the pipe a blocked receiver may wait on in the kernel.</summary>
    internal Pipe? PolledPipe => Volatile.Read(ref _solePipe);

    /// <summary>Under the endpoint lock, after the pipes changed.</summary>
    private void NoteSolePipe()
    {
        Pipe? sole = null;
        if (_traits.Receives && !_takesInbound && _pipes.Count == 1)
        {
            foreach (var p in _pipes)
            {
                sole = p;
            }
        }
        var before = Volatile.Read(ref _solePipe);
        Volatile.Write(ref _solePipe, sole);
        if (before != null && before != sole)
        {
            // No longer the only pipe: a receiver waiting for bytes on it would miss the others'.
            RecallLentReading(before);
        }
    }

    /// <summary>A receiver that waits without reading (asynchronously, as an observer or a poller's
    /// socket) needs the read loop to read: the sole pipe's connection stops lending reading, and
    /// takes back what it lent.</summary>
    private void RecallLentReading()
    {
        if (Volatile.Read(ref _solePipe) is { } pipe)
        {
            RecallLentReading(pipe);
        }
    }

    private static void RecallLentReading(Pipe pipe)
    {
        if (Volatile.Read(ref pipe.ReceiverPolls) != 0)
        {
            Volatile.Write(ref pipe.ReceiverPolls, 0);
            // Pairs with the read loop's look at the flag after it published a lending: either it
            // sees the flag cleared or this wake-up ends the lending.
            Interlocked.MemoryBarrier();
            pipe.ReaderWake.Set();
        }
    }

    /// <summary>Longest wait for bytes in one go: the waiter then looks at its socket again (a second
    /// pipe, disposal, a loop that took reading back).</summary>
    private const int PollSliceMicroseconds = 1000;

    /// <summary>Receiving thread, registered at the receive gate, nothing to take: while the socket's
    /// only pipe's connection lends it reading, waits for bytes on the connection's socket and reads
    /// them, instead of sleeping until the read loop has read them. False when the gate is the way.</summary>
    private bool PolledReadable(Pipe pipe, Deadline deadline)
    {
        if (Volatile.Read(ref _solePipe) != pipe || pipe.Connection is not { } connection)
        {
            return false;
        }
        var remaining = deadline.Remaining;
        int slice = remaining < TimeSpan.Zero ? PollSliceMicroseconds : (int)Math.Min(PollSliceMicroseconds, remaining.Ticks / 10);
        if (!connection.WaitReadableForConsumer(pipe, slice))
        {
            return false;
        }
        bool queued;
        using (ReceiveLock.Enter())
        {
            queued = pipe.ReadForConsumer();
        }
        if (queued)
        {
            // The read ended with a full fence (TryReadForConsumer), as Activate wants.
            _pattern.Incoming.Activate(pipe);
        }
        return true;
    }

    /// <summary><see cref="Wait{T}"/> without a time limit, asynchronously, until
    /// <paramref name="ct"/> is cancelled. Returns the attempt, which holds what it received.</summary>
    private async ValueTask<T> WaitAsync<T>(Direction direction, T attempt, CancellationToken ct)
        where T : struct, IAttempt
    {
        if (direction == Direction.Receive)
        {
            RecallLentReading();
        }
        var gate = GateOf(direction);
        bool done = false;
        long began = StartOfWait(direction);
        gate.Enter();
        try
        {
            while (true)
            {
                if (attempt.Try(this))
                {
                    done = true;
                    return attempt;
                }
                AbandonIfDisposed(ref attempt);
                try
                {
                    ct.ThrowIfCancellationRequested();
                    await gate.WaitAsync(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    attempt.Abandon();
                    throw;
                }
            }
        }
        finally
        {
            Leave(direction, gate, done, began);
        }
    }

    /// <summary>Only a sender's wait is timed (the metrics' blocked time); a receiver's costs no clock read.</summary>
    private static long StartOfWait(Direction direction) =>
        direction == Direction.Send ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;

    private void Leave(Direction direction, WaitGate gate, bool done, long began)
    {
        gate.Exit();
        if (direction == Direction.Send)
        {
            ZmqMetrics.SenderBlocked(SocketType, began);
            if (done)
            {
                gate.Pulse();
            }
        }
    }

    private void AbandonIfDisposed<T>(ref T attempt)
        where T : struct, IAttempt
    {
        if (_disposed)
        {
            attempt.Abandon();
            ThrowIfDisposed();
        }
    }

    private TimeoutException TimedOut(Direction direction, TimeSpan timeout) => (direction, timeout == TimeSpan.Zero) switch
    {
        (Direction.Send, true) => new TimeoutException($"{SocketType} cannot send now: every peer queue is at SendHighWatermark or no peer is connected (SendTimeout is zero)"),
        (Direction.Send, false) => new TimeoutException($"{SocketType} send timed out after {timeout.TotalMilliseconds} ms: peers are not taking messages (queues at SendHighWatermark or no peer connected)"),
        (_, true) => new TimeoutException($"{SocketType} has no message to receive (ReceiveTimeout is zero)"),
        _ => new TimeoutException($"{SocketType} receive timed out after {timeout.TotalMilliseconds} ms"),
    };

    /// <summary>Sends a message, waiting per <paramref name="timeout"/>; the message is released if
    /// the send is given up.</summary>
    private void SendBlocking(ref Msg msg, uint routingId, ReadOnlySpan<byte> group, TimeSpan timeout)
    {
        var attempt = new SendAttempt(msg, routingId, group.IsEmpty ? null : group.ToArray());
        msg = default;
        Wait(Direction.Send, ref attempt, timeout);
    }

    private ValueTask SendAsyncCore(Msg msg, uint routingId, ReadOnlySpan<byte> group, CancellationToken ct)
    {
        var waiting = WaitAsync(Direction.Send, new SendAttempt(msg, routingId, group.IsEmpty ? null : group.ToArray()), ct);
        return waiting.IsCompletedSuccessfully ? default : new ValueTask(waiting.AsTask());
    }

    private (Msg Msg, MessageProperties? Properties) ReceiveBlocking(TimeSpan timeout, int maxLength)
    {
        var attempt = new ReceiveAttempt(maxLength);
        Wait(Direction.Receive, ref attempt, timeout);
        return (attempt.Msg, attempt.Properties);
    }

    /// <summary><see cref="ReceiveBlocking"/> bounded by <paramref name="timeout"/>: false when
    /// nothing came in time.</summary>
    private bool TryReceiveWithin(TimeSpan timeout, out (Msg Msg, MessageProperties? Properties) received)
    {
        try
        {
            received = ReceiveBlocking(timeout, int.MaxValue);
            return true;
        }
        catch (TimeoutException)
        {
            received = default;
            return false;
        }
    }

    private async ValueTask<(Msg Msg, MessageProperties? Properties)> ReceiveAsyncCore(int maxLength, CancellationToken ct)
    {
        var attempt = await WaitAsync(Direction.Receive, new ReceiveAttempt(maxLength), ct).ConfigureAwait(false);
        return (attempt.Msg, attempt.Properties);
    }

    private void WaitToSend(TimeSpan timeout, Func<bool> attempt)
    {
        var whole = new WholeAttempt(attempt);
        Wait(Direction.Send, ref whole, timeout);
    }

    private void WaitToReceive(TimeSpan timeout, Func<bool> attempt)
    {
        var whole = new WholeAttempt(attempt);
        Wait(Direction.Receive, ref whole, timeout);
    }

    private async ValueTask WaitToSendAsync(Func<bool> attempt, CancellationToken ct) =>
        await WaitAsync(Direction.Send, new WholeAttempt(attempt), ct).ConfigureAwait(false);

    private async ValueTask WaitToReceiveAsync(Func<bool> attempt, CancellationToken ct) =>
        await WaitAsync(Direction.Receive, new WholeAttempt(attempt), ct).ConfigureAwait(false);
}
