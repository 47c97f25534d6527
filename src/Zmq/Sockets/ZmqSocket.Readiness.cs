using Zmq.Sockets;

namespace Zmq;

// Whether the socket can send or receive now, without taking a message, and a way to await it: what
// a poller, a proxy or an event loop needs. The states are the socket type's own (Pattern.HasOut,
// the fair queue with the type's filter); the wake-ups are the send and receive gates', which reach
// every observer.
public abstract partial class ZmqSocket
{
    /// <summary>Calls <paramref name="onChange"/> at every wake-up of the receive side
    /// (<paramref name="receive"/>) or the send side, from the thread that wakes it, until
    /// <see cref="StopWatching"/>: a poller's hint to look at <see cref="CanReceive"/> or
    /// <see cref="CanSend"/> again. It must only signal, never block.</summary>
    internal void Watch(bool receive, Action onChange)
    {
        if (receive)
        {
            RecallLentReading();
        }
        (receive ? ReceiveGate : SendGate).Subscribe(onChange);
    }

    internal void StopWatching(bool receive, Action onChange) => (receive ? ReceiveGate : SendGate).Unsubscribe(onChange);

    /// <summary>Whether a receive would find a message now (libzmq ZMQ_POLLIN). A message filtered
    /// out (a SUB's unsubscribed topic) does not count. Always false on a type that receives nothing,
    /// and once the socket is disposed. Safe from any thread, but while other threads receive, the
    /// message may be gone by the time the answer is used.</summary>
    public bool CanReceive
    {
        get
        {
            if (!_traits.Receives || _disposed)
            {
                return false;
            }
            using (ReceiveLock.Enter())
            {
                return _pattern.Incoming.Next(int.MaxValue, _accepts) != null;
            }
        }
    }

    /// <summary>Whether a send could queue a message now (libzmq ZMQ_POLLOUT): a peer queue has room,
    /// or the type never waits (PUB), or it picks the peer per message (SERVER). Always false on a
    /// type that sends nothing, and once the socket is disposed. Safe from any thread, but while other
    /// threads send, the room may be taken by the time the answer is used.</summary>
    public bool CanSend
    {
        get
        {
            if (!_traits.Sends || _disposed)
            {
                return false;
            }
            using (SendLock.Enter())
            {
                return _pattern.HasOut;
            }
        }
    }

    /// <summary>Completes with true once a message can be received (without taking it), or with false
    /// once the socket is disposed. Any number of callers may wait at once; all are woken, and another
    /// thread may take the message first.</summary>
    /// <exception cref="NotSupportedException">The socket type receives nothing.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled
    /// while it waited.</exception>
    public ValueTask<bool> WaitToReceiveAsync(CancellationToken cancellationToken = default)
    {
        if (!_traits.Receives)
        {
            throw new NotSupportedException($"{SocketType} sockets receive nothing: {SocketType} only sends");
        }
        if (CanReceive)
        {
            return new ValueTask<bool>(true);
        }
        RecallLentReading();
        return WaitReadyAsync(ReceiveGate, static s => s.CanReceive, cancellationToken);
    }

    /// <summary>Completes with true once a message could be sent without waiting, or with false once
    /// the socket is disposed. Any number of callers may wait at once; all are woken, and another
    /// thread may take the room first.</summary>
    /// <exception cref="NotSupportedException">The socket type sends nothing.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled
    /// while it waited.</exception>
    public ValueTask<bool> WaitToSendAsync(CancellationToken cancellationToken = default)
    {
        if (!_traits.Sends)
        {
            throw new NotSupportedException($"{SocketType} sockets send nothing: {SocketType} only receives");
        }
        return CanSend ? new ValueTask<bool>(true) : WaitReadyAsync(SendGate, static s => s.CanSend, cancellationToken);
    }

    private async ValueTask<bool> WaitReadyAsync(WaitGate gate, Func<ZmqSocket, bool> ready, CancellationToken ct)
    {
        while (true)
        {
            var changed = gate.BeginObserve();
            try
            {
                if (_disposed)
                {
                    return false;
                }
                if (ready(this))
                {
                    return true;
                }
                await changed.WaitAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                gate.EndObserve();
            }
        }
    }

    /// <summary>Calls <paramref name="onChange"/> whenever the socket may have become readable or
    /// writable (for a poller; it runs on the thread that made the change and must only signal).</summary>
    internal void SubscribeReadiness(Action onChange)
    {
        RecallLentReading();
        ReceiveGate.Subscribe(onChange);
        SendGate.Subscribe(onChange);
    }

    internal void UnsubscribeReadiness(Action onChange)
    {
        ReceiveGate.Unsubscribe(onChange);
        SendGate.Unsubscribe(onChange);
    }
}
