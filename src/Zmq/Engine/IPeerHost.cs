using Microsoft.Extensions.Logging;

namespace Zmq.Engine;

/// <summary>How a connection ended; decides whether a connecting side dials again.</summary>
internal enum ConnectionEnd
{
    /// <summary>The peer closed or the network failed: reconnect.</summary>
    Disconnected,
    /// <summary>The handshake did not finish in time: reconnect.</summary>
    HandshakeTimeout,
    /// <summary>The peer broke the protocol or is not a compatible socket type: as libzmq, do not reconnect.</summary>
    ProtocolError,
    /// <summary>This side closed the connection (dispose, disconnect, unbind).</summary>
    Closed,
}

/// <summary>ZMTP heartbeats (libzmq ZMQ_HEARTBEAT_IVL / _TIMEOUT / _TTL). Interval zero = off.</summary>
internal readonly record struct HeartbeatPolicy(TimeSpan Interval, TimeSpan Timeout, TimeSpan Ttl)
{
    /// <summary>The TTL field of our PINGs, in tenths of a second (values under 100 ms mean none).</summary>
    public ushort TtlDeciseconds => (ushort)Math.Min(Ttl.TotalMilliseconds / 100, ushort.MaxValue);
}

/// <summary>What a connection needs from the socket that owns it.</summary>
internal interface IPeerHost
{
    /// <summary>The socket type name sent in READY (e.g. "CLIENT").</summary>
    string SocketType { get; }

    /// <summary>The socket type: what the connection needs of it (multipart or not, receives or not)
    /// it reads from the one table, <see cref="Sockets.Core.SocketTypes"/>.</summary>
    ZmqSocketType Type { get; }

    /// <summary>Whether a peer announcing <paramref name="peerSocketType"/> may talk to this socket.</summary>
    bool IsCompatible(string peerSocketType);

    long MaxMessageSize { get; }

    /// <summary>A command of the socket type's pattern (SUBSCRIBE, CANCEL; JOIN, LEAVE) arrived from
    /// the pipe's peer; read loop thread.</summary>
    void Command(Pipe pipe, string name, ReadOnlySpan<byte> data);

    /// <summary>Whether received bodies should come from the buffer pool (the application copies
    /// them out and returns them) rather than be exact arrays it keeps.</summary>
    bool PooledReceive { get; }

    TimeSpan HandshakeInterval { get; }

    /// <summary>Heartbeat settings, read when a connection completes its handshake.</summary>
    HeartbeatPolicy Heartbeat { get; }

    ILogger Logger { get; }

    /// <summary>Called when the handshake succeeds. Returns the pipe to serve (the given one for a
    /// connecting side, a new one for an accepted peer), or null when the socket is closing.</summary>
    Pipe? Attach(IEngine connection, Pipe? pipe, string peerSocketType);

    /// <summary>Called once when an attached connection has ended.</summary>
    void Detach(IEngine connection, Pipe pipe, ConnectionEnd end);

    /// <summary>A connecting endpoint stopped dialling, after a protocol error or because it does not
    /// reconnect (a negative ReconnectInterval): its pipe will never be served again, even if its
    /// connection failed before the handshake attached it.</summary>
    void GiveUp(Pipe pipe, bool protocolError);

    /// <summary>Reports a monitor event.</summary>
    void Event(SocketEvent e);

    /// <summary>A message to send to every new peer first (libzmq ZMQ_HELLO_MSG), or null.</summary>
    byte[]? HelloMessage { get; }

    /// <summary>The read loop queued messages into the pipe.</summary>
    void InboundReady(Pipe pipe);

    /// <summary>The pipe's engine lent reading to a receiver that waits (<see cref="Pipe.ReceiverPolls"/>):
    /// wake the receivers, so one asleep on the gate polls instead; read loop thread, after a full fence.</summary>
    void ReadingLent(Pipe pipe);

    /// <summary>The write loop took messages out of the pipe (room for blocked senders).</summary>
    void OutboundProgress(Pipe pipe);

    /// <summary>The pipe's inbound queue is full: makes room if the socket keeps only the latest
    /// messages (Conflate), dropping the stale ones; false when it waits for its receivers instead.
    /// Called by the queue's producer (a read loop, or an inproc peer's sender).</summary>
    bool MakeRoom(Pipe pipe);

    /// <summary>Whether an application thread waits to send (a plain read, for hot paths).</summary>
    bool HasBlockedSenders { get; }
}
