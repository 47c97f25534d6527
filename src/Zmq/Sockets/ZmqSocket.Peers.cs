using Microsoft.Extensions.Logging;
using Zmq.Engine;
using Zmq.Messages;
using Zmq.Sockets.Core;

namespace Zmq;

// Pipe events, passed to the socket type's pattern under the send lock, and the side of the socket
// its connections see (IPeerHost).
public abstract partial class ZmqSocket
{
    /// <summary>A pipe joined the socket (at Connect, or when an accepted peer finished its handshake).</summary>
    private void OnPipeAdded(Pipe pipe)
    {
        lock (_endpointLock)
        {
            NoteSolePipe();
        }
        pipe.OutboundProducers.Set(SendLock);
        UnderSendLock(pipe, static (pattern, p) => pattern.Attach(p));
        if (ProbeRouter && AnnouncesIdentity)
        {
            // The first message on the pipe, so that a ROUTER peer learns of this one at once.
            using (SendLock.Enter())
            {
                pipe.WriteInline([]);
            }
        }
    }

    /// <summary>A pipe will carry no more traffic; its unread inbound messages may still be received.</summary>
    private void OnPipeRemoved(Pipe pipe)
    {
        lock (_endpointLock)
        {
            NoteSolePipe();
        }
        UnderSendLock(pipe, static (pattern, p) => pattern.Detach(p));
    }

    private void OnPipeConnected(Pipe pipe) => UnderSendLock(pipe, static (pattern, p) => pattern.Connected(p));

    private void OnPipeDisconnected(Pipe pipe) => UnderSendLock(pipe, static (pattern, p) => pattern.Disconnected(p));

    /// <summary>Pipe events reach the pattern under the send lock, which guards its routing state.</summary>
    private void UnderSendLock(Pipe pipe, Action<Pattern, Pipe> step)
    {
        using (SendLock.Enter())
        {
            step(_pattern, pipe);
        }
    }

    /// <summary>Messages arrived in a pipe's inbound queue (or the pipe ended): the fence, then the
    /// pipe back into the fair queue, then a waiting receiver woken. The one place this happens.</summary>
    private void OnPipeInboundReady(Pipe pipe)
    {
        // First, as it is the inproc sender's per-message path: it reads only the pipe. (A pipe whose
        // messages the pattern takes itself is never in the fair queue, so never seen this way.)
        if (pipe.InboundSeenWithoutFence)
        {
            return;
        }
        if (_takesInbound)
        {
            using (SendLock.Enter())
            {
                _pattern.TakeInbound(pipe);
            }
            return;
        }
        ActivateForReceivers(pipe);
    }

    /// <summary>Messages were queued in <paramref name="pipe"/>'s inbound queue for the application:
    /// the pipe joins the fair queue and a waiting receiver wakes. Patterns whose messages for the
    /// application come from the pattern itself (XPUB's subscriptions) call it after queuing them.</summary>
    internal void ActivateForReceivers(Pipe pipe)
    {
        // One fence orders the producer's queued messages before both flag reads below (the fair
        // queue's active flag and the receive gate's waiter count); an inproc send pays only this one.
        Interlocked.MemoryBarrier();
        _pattern.Incoming.Activate(pipe);
        ReceiveGate.PulseFenced();
    }

    string IPeerHost.SocketType => SocketType;

    ZmqSocketType IPeerHost.Type => Type;

    bool IPeerHost.IsCompatible(string peerSocketType) => Sockets.Core.SocketTypes.Accepts(Type, peerSocketType);

    bool IPeerHost.MakeRoom(Pipe pipe) => MakeRoom(pipe);

    bool IPeerHost.PooledReceive => Volatile.Read(ref _receivesIntoBuffers);

    void IPeerHost.Command(Pipe pipe, string name, ReadOnlySpan<byte> data) => _pattern.Command(pipe, name, data);

    long IPeerHost.MaxMessageSize => MaxMessageSize;

    TimeSpan IPeerHost.HandshakeInterval => HandshakeInterval;

    HeartbeatPolicy IPeerHost.Heartbeat => new(HeartbeatInterval, HeartbeatTimeout > TimeSpan.Zero ? HeartbeatTimeout : HeartbeatInterval, HeartbeatTtl);

    ILogger IPeerHost.Logger => Logger;

    Pipe? IPeerHost.Attach(IEngine connection, Pipe? pipe, string peerSocketType)
    {
        if (_aborting || (_disposed && pipe == null))
        {
            return null;
        }
        if (pipe == null)
        {
            if (RefusesPeer() is { } refusal)
            {
                Diagnostics.Log.ProtocolError(Logger, SocketType, connection.Endpoint, connection.PeerAddress, $"connection refused: {refusal}");
                Emit(new SocketEvent(SocketEventType.HandshakeFailed, connection.Endpoint) { PeerAddress = connection.PeerAddress, PeerSocketType = peerSocketType, Reason = refusal });
                return null;
            }
            pipe = new Pipe(SendHighWatermark, ReceiveHighWatermark, connection.Endpoint, connectSide: false) { Datagram = connection is UdpEngine };
            pipe.Connection = connection;
            AddPipe(pipe);
        }
        else
        {
            pipe.Connection = connection;
            if (pipe.RoutedOnlyWhenConnected)
            {
                OnPipeAdded(pipe);
            }
        }
        pipe.Properties = connection.Properties;
        OnPipeConnected(pipe);
        if (_pattern.MessageOnConnect(pipe) is { } notice)
        {
            // The read loop has not started: this thread is the inbound queue's producer.
            pipe.Inbound.Enqueue(Msg.Wrap(notice.ToArray()));
            OnPipeInboundReady(pipe);
        }
        // Messages queued before the connection existed go out now.
        pipe.WakeWriter();
        SendGate.Pulse();
        return pipe;
    }

    void IPeerHost.Detach(IEngine connection, Pipe pipe, ConnectionEnd end)
    {
        // The read loop has ended: as the inbound queue's producer, this thread drops the frames of a
        // message cut short, which the application must never see in part.
        pipe.Inbound.RollbackStaged();
        OnPipeDisconnected(pipe);
        lock (_endpointLock)
        {
            pipe.EndConnection(connection);
        }
        if (end != ConnectionEnd.Closed && !_disposed && _pattern.MessageOnConnectionLost(pipe) is { } notice)
        {
            // The read loop has ended, so this thread may act as the inbound queue's producer.
            pipe.Inbound.Enqueue(Msg.Wrap(notice.ToArray()));
            OnPipeInboundReady(pipe);
        }
        if (end == ConnectionEnd.ProtocolError)
        {
            RemoveBrokenPipe(pipe);
        }
        else if (!pipe.IsConnectSide)
        {
            RemovePipe(pipe);
        }
        else if (pipe.RoutedOnlyWhenConnected)
        {
            // Immediate: what was queued for the lost connection goes with it (the write loop has ended).
            OnPipeRemoved(pipe);
            pipe.DrainOutbound();
        }
    }

    /// <summary>Why a socket that talks to one peer (PAIR) takes no other now, or null.</summary>
    private string? RefusesPeer()
    {
        if (!_pattern.OnePeer)
        {
            return null;
        }
        lock (_endpointLock)
        {
            var peer = _pipes.FirstOrDefault(p => !p.Terminated);
            return peer == null ? null : $"a {SocketType} talks to one peer, and has one ({peer.Endpoint})";
        }
    }

    private void ThrowIfOnePeerTaken(string endpoint)
    {
        if (RefusesPeer() is { } refusal)
        {
            throw new InvalidOperationException($"cannot connect to {endpoint}: {refusal}; Disconnect it first");
        }
    }

    void IPeerHost.GiveUp(Pipe pipe, bool protocolError)
    {
        if (!protocolError)
        {
            // As libzmq without reconnection: the endpoint leaves the routing, its queue dropped.
            if (!pipe.Terminated && RemovePipe(pipe) is > 0 and var dropped)
            {
                Diagnostics.Log.DroppedNotReconnecting(Logger, SocketType, pipe.Endpoint, dropped);
            }
            return;
        }
        // A connection that broke the protocol after its handshake was detached, its pipe removed
        // then. One that broke it during the handshake never attached: the pipe, routed since
        // Connect unless Immediate, would otherwise keep taking messages that no connection sends.
        if (!pipe.Terminated)
        {
            RemoveBrokenPipe(pipe);
        }
    }

    /// <summary>Removes the pipe of a peer that broke the protocol: what was queued for it can never
    /// be sent, and the application is told how much that was.</summary>
    private void RemoveBrokenPipe(Pipe pipe)
    {
        long dropped = RemovePipe(pipe);
        if (dropped > 0)
        {
            Diagnostics.Log.DroppedAfterProtocolError(Logger, SocketType, pipe.Endpoint, dropped);
        }
    }

    void IPeerHost.InboundReady(Pipe pipe) => OnPipeInboundReady(pipe);

    void IPeerHost.ReadingLent(Pipe pipe) => ReceiveGate.PulseFenced();

    void IPeerHost.Event(SocketEvent e) => Emit(e);

    byte[]? IPeerHost.HelloMessage => HelloMessage;

    // Pulse fences before it looks for waiters, so a sender that just registered cannot be missed.
    void IPeerHost.OutboundProgress(Pipe pipe) => SendGate.Pulse();

    bool IPeerHost.HasBlockedSenders => SendGate.HasWaiters;
}
