using Microsoft.Extensions.Logging;
using Zmq.Engine;
using Zmq.Messages;

namespace Zmq;

// What a socket type implements (its peers, and what it does as pipes come, go and fill), and the
// side of the socket its connections see (IPeerHost).
public abstract partial class ZmqSocket
{
    /// <summary>A pipe joined the socket (at Connect, or when an accepted peer finished its handshake).</summary>
    private protected abstract void OnPipeAdded(Pipe pipe);

    /// <summary>A pipe will carry no more traffic; its unread inbound messages may still be received.</summary>
    private protected abstract void OnPipeRemoved(Pipe pipe);

    /// <summary>A connection finished its handshake on the pipe (a connecting pipe again after each
    /// reconnect); its peer knows nothing of this socket yet.</summary>
    private protected virtual void OnPipeConnected(Pipe pipe)
    {
    }

    /// <summary>The pipe's connection ended, both its loops done.</summary>
    private protected virtual void OnPipeDisconnected(Pipe pipe)
    {
    }

    /// <summary>Messages arrived in a pipe's inbound queue (or the pipe ended).</summary>
    private protected abstract void OnPipeInboundReady(Pipe pipe);

    private protected abstract bool IsCompatiblePeer(string peerSocketType);

    private protected virtual bool AcceptsMultipart => true;

    /// <summary>Set once the application receives into buffers of its own: received bodies are then
    /// copied out and can go straight back to the pool, so the read loops rent them from it.</summary>
    private protected bool ReceivesIntoBuffers
    {
        get => Volatile.Read(ref _receivesIntoBuffers);
        set => Volatile.Write(ref _receivesIntoBuffers, value);
    }

    private bool _receivesIntoBuffers;

    string IPeerHost.SocketType => SocketType;

    bool IPeerHost.IsCompatible(string peerSocketType) => IsCompatiblePeer(peerSocketType);

    bool IPeerHost.AcceptsMultipart => AcceptsMultipart;

    bool IPeerHost.ReceivesSubscriptions => ReceivesSubscriptions;

    bool IPeerHost.ReadsWhenEmpty => ReadsWhenEmpty;

    /// <summary>True where receiving goes through a <see cref="Routing.FairQueue"/>, which reads for
    /// parked read loops.</summary>
    private protected virtual bool ReadsWhenEmpty => false;

    private protected virtual bool ReceivesSubscriptions => false;

    bool IPeerHost.PooledReceive => ReceivesIntoBuffers;

    long IPeerHost.MaxMessageSize => MaxMessageSize;

    TimeSpan IPeerHost.HandshakeInterval => HandshakeInterval;

    HeartbeatPolicy IPeerHost.Heartbeat => new(HeartbeatInterval, HeartbeatTimeout > TimeSpan.Zero ? HeartbeatTimeout : HeartbeatInterval, HeartbeatTtl);

    ILogger IPeerHost.Logger => Logger;

    Pipe? IPeerHost.Attach(ZmtpConnection connection, Pipe? pipe, string peerSocketType)
    {
        if (_aborting || (_disposed && pipe == null))
        {
            return null;
        }
        if (pipe == null)
        {
            pipe = new Pipe(SendHighWatermark, ReceiveHighWatermark, connection.Endpoint, connectSide: false);
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
        OnPipeConnected(pipe);
        // Messages queued before the connection existed go out now.
        pipe.WakeWriter();
        SendGate.Pulse();
        return pipe;
    }

    void IPeerHost.Detach(ZmtpConnection connection, Pipe pipe, ConnectionEnd end)
    {
        // The read loop has ended: as the inbound queue's producer, this thread drops the frames of a
        // message cut short, which the application must never see in part.
        pipe.Inbound.RollbackStaged();
        OnPipeDisconnected(pipe);
        pipe.Connection = null;
        if (end != ConnectionEnd.Closed && !_disposed && MessageOnConnectionLost(pipe) is { } notice)
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

    void IPeerHost.GiveUp(Pipe pipe)
    {
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

    void IPeerHost.Event(SocketEvent e) => Emit(e);

    byte[]? IPeerHost.HelloMessage => HelloMessage;

    /// <summary>The message the application receives from a pipe whose connection was lost (libzmq's
    /// DISCONNECT_MSG / HICCUP_MSG), or null.</summary>
    private protected virtual byte[]? MessageOnConnectionLost(Pipe pipe) => null;

    // Pulse fences before it looks for waiters, so a sender that just registered cannot be missed.
    void IPeerHost.OutboundProgress(Pipe pipe) => SendGate.Pulse();

    bool IPeerHost.HasBlockedSenders => SendGate.HasWaiters;
}
