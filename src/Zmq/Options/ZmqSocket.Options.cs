using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Zmq;

// Typed socket options with libzmq's defaults. Options read at Bind/Connect time (HWMs, reconnect
// timing, Ipv6, Backlog) affect only later Bind/Connect calls, as in libzmq.
public abstract partial class ZmqSocket
{
    private int _sendHwm = 1000;
    private int _receiveHwm = 1000;
    private TimeSpan _linger = Timeout.InfiniteTimeSpan;

    /// <summary>Most messages queued per peer for sending (libzmq ZMQ_SNDHWM, default 1000; 0 = no limit).
    /// As in libzmq, it applies to the Bind and Connect calls made after it is set: set it first.</summary>
    public int SendHighWatermark
    {
        get => _sendHwm;
        set => _sendHwm = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "SendHighWatermark must be 0 (no limit) or positive");
    }

    /// <summary>Most messages queued per peer on receipt (libzmq ZMQ_RCVHWM, default 1000; 0 = no limit).
    /// When a peer's queue is full, that connection stops reading and TCP pushes back on the sender.
    /// As in libzmq, it applies to the Bind and Connect calls made after it is set: set it first.</summary>
    public int ReceiveHighWatermark
    {
        get => _receiveHwm;
        set => _receiveHwm = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "ReceiveHighWatermark must be 0 (no limit) or positive");
    }

    /// <summary>How long Dispose keeps delivering queued messages to connected peers (libzmq ZMQ_LINGER;
    /// default infinite, zero = drop at once). An infinite linger still ends once nothing has moved
    /// for <see cref="LingerStallTimeout"/>.</summary>
    public TimeSpan Linger
    {
        get => _linger;
        set => _linger = value >= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Linger must be zero, positive or Timeout.InfiniteTimeSpan");
    }

    /// <summary>With an infinite <see cref="Linger"/>, how long Dispose waits while no queued message moves
    /// (a peer that stopped reading) before closing anyway. Default 30 s.</summary>
    public TimeSpan LingerStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a blocking send waits at the high-water mark (ZMQ_SNDTIMEO; default infinite).
    /// On expiry a <see cref="TimeoutException"/> is thrown.</summary>
    public TimeSpan SendTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long a blocking receive waits (ZMQ_RCVTIMEO; default infinite).
    /// On expiry a <see cref="TimeoutException"/> is thrown.</summary>
    public TimeSpan ReceiveTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>Wait before re-dialling a lost or refused connection (ZMQ_RECONNECT_IVL, default 100 ms;
    /// negative = never reconnect).</summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the exponential back-off (ZMQ_RECONNECT_IVL_MAX, default 0 = no back-off).</summary>
    public TimeSpan ReconnectIntervalMax { get; set; } = TimeSpan.Zero;

    /// <summary>Limit for one tcp connect attempt (ZMQ_CONNECT_TIMEOUT, default 0 = the OS's).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>A connection whose ZMTP handshake is unfinished after this is closed (ZMQ_HANDSHAKE_IVL, default 30 s).</summary>
    public TimeSpan HandshakeInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Send a ZMTP PING this often on each connection (ZMQ_HEARTBEAT_IVL, default 0 = no heartbeats).
    /// A peer that answers nothing for <see cref="HeartbeatTimeout"/> after a PING is disconnected
    /// (and re-dialled if this side connected).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.Zero;

    /// <summary>How long to wait for any traffic after a PING (ZMQ_HEARTBEAT_TIMEOUT, default 0 = the interval).</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Asks the peer to drop the connection after this long without traffic from us (ZMQ_HEARTBEAT_TTL,
    /// default 0 = none; sent in tenths of a second, so under 100 ms means none).</summary>
    public TimeSpan HeartbeatTtl { get; set; } = TimeSpan.Zero;

    /// <summary>Largest message accepted from a peer (ZMQ_MAXMSGSIZE, default -1 = no limit). A peer
    /// announcing a larger one is disconnected before any of it is buffered.</summary>
    public long MaxMessageSize { get; set; } = -1;

    /// <summary>Bind to IPv6 as well as IPv4 for <c>*</c>, and prefer IPv6 when resolving names (ZMQ_IPV6, default false).
    /// IPv6 literals such as <c>tcp://[::1]:5555</c> work either way.</summary>
    public bool Ipv6 { get; set; }

    /// <summary>Listen backlog (ZMQ_BACKLOG, default 100).</summary>
    public int Backlog { get; set; } = 100;

    /// <summary>Kernel send buffer size in bytes for new connections (ZMQ_SNDBUF, default -1 = OS default).</summary>
    public int SendBufferSize { get; set; } = -1;

    /// <summary>Kernel receive buffer size in bytes for new connections (ZMQ_RCVBUF, default -1 = OS default).</summary>
    public int ReceiveBufferSize { get; set; } = -1;

    /// <summary>TCP keepalive for new tcp connections: -1 = OS default, 0 = off, 1 = on (ZMQ_TCP_KEEPALIVE).</summary>
    public int TcpKeepalive { get; set; } = -1;

    /// <summary>Seconds idle before the first keepalive probe (ZMQ_TCP_KEEPALIVE_IDLE, -1 = OS default).</summary>
    public int TcpKeepaliveIdle { get; set; } = -1;

    /// <summary>Unanswered probes before the connection is dropped (ZMQ_TCP_KEEPALIVE_CNT, -1 = OS default).</summary>
    public int TcpKeepaliveCount { get; set; } = -1;

    /// <summary>Seconds between keepalive probes (ZMQ_TCP_KEEPALIVE_INTVL, -1 = OS default).</summary>
    public int TcpKeepaliveInterval { get; set; } = -1;

    /// <summary>IP type-of-service byte for new IPv4 tcp connections (ZMQ_TOS, default 0).</summary>
    public int TypeOfService { get; set; }

    /// <summary>Queue messages only to completed connections (ZMQ_IMMEDIATE, default false). When
    /// false, a connecting endpoint queues messages before its connection exists and keeps them
    /// across reconnects; when true, sends go only to peers connected now, and what is queued for a
    /// peer is dropped when its connection is lost.</summary>
    public bool Immediate { get; set; }

    private Transport.StreamOptions StreamOptions =>
        new(SendBufferSize, ReceiveBufferSize, TcpKeepalive, TcpKeepaliveIdle, TcpKeepaliveCount, TcpKeepaliveInterval, TypeOfService);

    /// <summary>A message sent to every peer as the first message of each new tcp or ipc connection
    /// (libzmq ZMQ_HELLO_MSG, default none; inproc links send none).</summary>
    public byte[]? HelloMessage { get; set; }

    /// <summary>Where connection events and peer errors are logged. Default: nowhere.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;
}
