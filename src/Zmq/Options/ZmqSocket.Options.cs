using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Zmq;

// Typed socket options with libzmq's defaults. Each doc says when its option is read, because that
// decides whether a change still counts: options of connections are taken at Bind/Connect (or as a
// connection starts), as in libzmq, so a later change affects only later ones. The setters take no
// lock (plain fields): options are set before the socket is shared, and each doc says so once.
public abstract partial class ZmqSocket
{
    private int _sendHwm = 1000;
    private int _receiveHwm = 1000;
    private TimeSpan _linger = Timeout.InfiniteTimeSpan;

    /// <summary>Most messages queued per peer for sending (libzmq ZMQ_SNDHWM); default 1000, 0 = no
    /// limit. A multipart message counts once, whatever its frames. What a full queue does is the socket type's: CLIENT and SERVER wait, PUB and RADIO drop
    /// the message for that peer.
    /// <para>Read when each peer's queue is made, so a change affects only queues made afterwards:
    /// at Connect for a tcp or ipc endpoint (its queue lasts across reconnects); on a bound tcp or ipc
    /// endpoint as each accepted peer completes its handshake; over inproc, the connecting socket's at
    /// its Connect and the bound socket's when the two are paired (at the later of the Bind and the
    /// Connect). An inproc direction then holds the sender's SendHighWatermark plus the receiver's
    /// <see cref="ReceiveHighWatermark"/>, or has no limit if either is 0; until the pair is made, the
    /// connecting socket's own SendHighWatermark. Set it before Bind and Connect.</para></summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int SendHighWatermark
    {
        get => _sendHwm;
        set => _sendHwm = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "SendHighWatermark must be 0 (no limit) or positive");
    }

    /// <summary>Most messages queued per peer on receipt (libzmq ZMQ_RCVHWM); default 1000, 0 = no
    /// limit; a multipart message counts once. When a tcp or ipc peer's queue is full, that connection stops reading and TCP pushes
    /// back on the sender; over inproc it adds to the sender's limit (see
    /// <see cref="SendHighWatermark"/>). Read when each peer's queue is made, at the same moments as
    /// <see cref="SendHighWatermark"/>: set it before Bind and Connect.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int ReceiveHighWatermark
    {
        get => _receiveHwm;
        set => _receiveHwm = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "ReceiveHighWatermark must be 0 (no limit) or positive");
    }

    /// <summary>How long Dispose keeps delivering the messages queued for tcp and ipc peers (libzmq
    /// ZMQ_LINGER); default <see cref="Timeout.InfiniteTimeSpan"/>, <see cref="TimeSpan.Zero"/> = drop
    /// them at once. Even an infinite linger ends once nothing has moved for
    /// <see cref="LingerStallTimeout"/>. Messages already sent over inproc stay readable by the other
    /// socket whatever the linger. Read when Dispose is called.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative and not
    /// <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    public TimeSpan Linger
    {
        get => _linger;
        set => _linger = value >= TimeSpan.Zero || value == Timeout.InfiniteTimeSpan ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Linger must be zero, positive or Timeout.InfiniteTimeSpan");
    }

    /// <summary>How long Dispose waits, during the <see cref="Linger"/>, while no queued message moves
    /// (a peer that stopped reading, an endpoint that never connected) before it closes anyway; default
    /// 30 s. It applies to a finite linger too: Dispose returns at whichever comes first. Read while
    /// Dispose waits. Not validated: zero or less gives up at the first check (every 200 ms or so)
    /// that sees no progress.</summary>
    public TimeSpan LingerStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a blocking send waits for room (libzmq ZMQ_SNDTIMEO); default
    /// <see cref="Timeout.InfiniteTimeSpan"/> (any negative value waits forever), zero = do not wait.
    /// On expiry the send throws <see cref="TimeoutException"/> and nothing of it is queued.
    /// <para>Read by each blocking send as it starts. The <c>Try…</c> forms never wait, the async forms
    /// wait until cancelled and ignore it, and types that drop at the high-water mark (PUB, RADIO) never
    /// wait.</para></summary>
    public TimeSpan SendTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>How long a blocking receive waits for a message (libzmq ZMQ_RCVTIMEO); default
    /// <see cref="Timeout.InfiniteTimeSpan"/> (any negative value waits forever), zero = do not wait.
    /// On expiry the receive throws <see cref="TimeoutException"/>.
    /// <para>Read by each blocking receive as it starts. The <c>Try…</c> forms never wait (or wait for
    /// the timeout they are given), and the async forms wait until cancelled and ignore it.</para></summary>
    public TimeSpan ReceiveTimeout { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>Wait before re-dialling a lost or refused tcp or ipc connection (libzmq
    /// ZMQ_RECONNECT_IVL); default 100 ms. While <see cref="ReconnectIntervalMax"/> is 0, each wait is
    /// this plus a random extra of up to one more interval (100 to 200 ms by default). Negative = never
    /// re-dial: after its first failed dial or lost connection the endpoint leaves the socket's
    /// routing, and what was queued for it is dropped with a log entry (as libzmq). Zero re-dials at
    /// once, with no pause.
    /// <para>Read at each Connect: a connecting endpoint keeps the value it had then, across
    /// reconnects. Not validated.</para></summary>
    public TimeSpan ReconnectInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Upper bound of the exponential back-off (libzmq ZMQ_RECONNECT_IVL_MAX); default 0 = no
    /// back-off. Above 0, the first wait is <see cref="ReconnectInterval"/> and it doubles after each
    /// failed dial up to this (never below the interval), with no jitter; after a connection that
    /// worked is lost, the waits start again from the first. Read at each Connect, like the interval.</summary>
    public TimeSpan ReconnectIntervalMax { get; set; } = TimeSpan.Zero;

    /// <summary>Limit for one tcp connect attempt (libzmq ZMQ_CONNECT_TIMEOUT); default 0 = the OS's
    /// limit. An attempt that takes longer is given up and re-dialled as after a refusal. ipc dials
    /// ignore it. Read at each Connect: a connecting endpoint keeps the value it had then.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>A tcp or ipc connection whose ZMTP handshake is unfinished after this is closed (libzmq
    /// ZMQ_HANDSHAKE_IVL); default 30 s; zero or <see cref="Timeout.InfiniteTimeSpan"/> = no limit (as
    /// libzmq's 0). A connecting endpoint then re-dials. Read as each connection starts (every accept,
    /// every dial), so a change applies to the next connections.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative (other than <see cref="Timeout.InfiniteTimeSpan"/>)
    /// or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public TimeSpan HandshakeInterval
    {
        get => _handshakeInterval;
        set => _handshakeInterval = value == Timeout.InfiniteTimeSpan || (value >= TimeSpan.Zero && value.TotalMilliseconds <= int.MaxValue)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "HandshakeInterval must be zero or Timeout.InfiniteTimeSpan (no limit), or a positive time up to int.MaxValue ms");
    }

    private TimeSpan _handshakeInterval = TimeSpan.FromSeconds(30);

    /// <summary>Send a ZMTP PING this often on each tcp or ipc connection (libzmq ZMQ_HEARTBEAT_IVL);
    /// default 0 = no heartbeats. A peer that sends nothing at all for <see cref="HeartbeatTimeout"/>
    /// after a PING is disconnected (and re-dialled if this side connected). Read, with the timeout and
    /// <see cref="HeartbeatTtl"/>, as each connection completes its handshake: a change applies to the
    /// next connections (a connecting endpoint's next reconnect included), not to those up now.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.Zero;

    /// <summary>How long to wait for any traffic after a PING before dropping the connection (libzmq
    /// ZMQ_HEARTBEAT_TIMEOUT); default 0 = <see cref="HeartbeatInterval"/>. Used only while heartbeats
    /// are on; read as each connection completes its handshake.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.Zero;

    /// <summary>Asks the peer to drop the connection after this long without traffic from us (libzmq
    /// ZMQ_HEARTBEAT_TTL); default 0 = none. Carried by our PINGs, so it needs
    /// <see cref="HeartbeatInterval"/> above 0; sent in tenths of a second, so under 100 ms means none
    /// and the most is 6553.5 s. Read as each connection completes its handshake.</summary>
    public TimeSpan HeartbeatTtl { get; set; } = TimeSpan.Zero;

    /// <summary>Largest frame accepted from a tcp or ipc peer, in bytes (libzmq ZMQ_MAXMSGSIZE; each
    /// frame of a multipart message is checked alone); default -1 = no limit. A peer announcing a
    /// larger one is disconnected before any of it is buffered, and, as after any protocol error, not
    /// re-dialled. Inproc messages are not checked. Read as each connection is made (every accept,
    /// every dial).</summary>
    public long MaxMessageSize { get; set; } = -1;

    /// <summary>Bind to IPv6 as well as IPv4 for <c>*</c>, and prefer IPv6 when resolving names (libzmq
    /// ZMQ_IPV6); default false. IPv6 literals such as <c>tcp://[::1]:5555</c> work either way. Read at
    /// each tcp Bind and Connect (a connecting endpoint resolves its host name again at each dial, with
    /// the value it had at Connect).</summary>
    public bool Ipv6 { get; set; }

    /// <summary>How many routers a multicast datagram may cross (libzmq ZMQ_MULTICAST_HOPS, the IP
    /// time-to-live); default 1, this network only. Read at each udp Connect.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not 1 to 255.</exception>
    public int MulticastHops
    {
        get => _multicastHops;
        set => _multicastHops = value is >= 1 and <= 255 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "MulticastHops is 1 to 255");
    }

    private int _multicastHops = 1;


    /// <summary>Listen backlog: how many connections the OS holds before they are accepted (libzmq
    /// ZMQ_BACKLOG); default 100. Read at each tcp or ipc Bind.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be 0 or more.</exception>
    public int Backlog
    {
        get => _backlog;
        set => _backlog = value >= 0 ? value : throw OutOfRange(nameof(Backlog), value, "it must be 0 or more");
    }

    private int _backlog = 100;

    /// <summary>Kernel send buffer size in bytes for tcp and ipc connections (libzmq ZMQ_SNDBUF);
    /// default -1 = the OS default. Read at each Bind (the listening socket's, which accepted
    /// connections take) and at each Connect.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be -1 (the OS default) or a size in bytes.</exception>
    public int SendBufferSize
    {
        get => _sendBufferSize;
        set => _sendBufferSize = value >= -1 ? value : throw OutOfRange(nameof(SendBufferSize), value, "it must be -1 (the OS default) or a size in bytes");
    }

    private int _sendBufferSize = -1;

    /// <summary>Kernel receive buffer size in bytes for tcp and ipc connections (libzmq ZMQ_RCVBUF);
    /// default -1 = the OS default. Read at each Bind (the listening socket's, which accepted
    /// connections take) and at each Connect.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be -1 (the OS default) or a size in bytes.</exception>
    public int ReceiveBufferSize
    {
        get => _receiveBufferSize;
        set => _receiveBufferSize = value >= -1 ? value : throw OutOfRange(nameof(ReceiveBufferSize), value, "it must be -1 (the OS default) or a size in bytes");
    }

    private int _receiveBufferSize = -1;

    /// <summary>TCP keepalive for tcp connections (libzmq ZMQ_TCP_KEEPALIVE): -1 = the OS default
    /// (the default), 0 = off, 1 = on. Read at each Bind (set on the listening socket, which accepted
    /// connections inherit) and at each Connect.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be -1 (the OS default), 0 (off) or 1 (on).</exception>
    public int TcpKeepalive
    {
        get => _tcpKeepalive;
        set => _tcpKeepalive = value is -1 or 0 or 1 ? value : throw OutOfRange(nameof(TcpKeepalive), value, "it must be -1 (the OS default), 0 (off) or 1 (on)");
    }

    private int _tcpKeepalive = -1;

    /// <summary>Seconds idle before the first keepalive probe (libzmq ZMQ_TCP_KEEPALIVE_IDLE); default
    /// -1 = the OS default. Used only when <see cref="TcpKeepalive"/> is 1; read with it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be -1 (the OS default) or a positive number of seconds.</exception>
    public int TcpKeepaliveIdle
    {
        get => _tcpKeepaliveIdle;
        set => _tcpKeepaliveIdle = value == -1 || value > 0 ? value : throw OutOfRange(nameof(TcpKeepaliveIdle), value, "it must be -1 (the OS default) or a positive number of seconds");
    }

    private int _tcpKeepaliveIdle = -1;

    /// <summary>Unanswered probes before the connection is dropped (libzmq ZMQ_TCP_KEEPALIVE_CNT);
    /// default -1 = the OS default. Used only when <see cref="TcpKeepalive"/> is 1; read with it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be -1 (the OS default) or a positive count.</exception>
    public int TcpKeepaliveCount
    {
        get => _tcpKeepaliveCount;
        set => _tcpKeepaliveCount = value == -1 || value > 0 ? value : throw OutOfRange(nameof(TcpKeepaliveCount), value, "it must be -1 (the OS default) or a positive count");
    }

    private int _tcpKeepaliveCount = -1;

    /// <summary>Seconds between keepalive probes (libzmq ZMQ_TCP_KEEPALIVE_INTVL); default -1 = the OS
    /// default. Used only when <see cref="TcpKeepalive"/> is 1; read with it.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be -1 (the OS default) or a positive number of seconds.</exception>
    public int TcpKeepaliveInterval
    {
        get => _tcpKeepaliveInterval;
        set => _tcpKeepaliveInterval = value == -1 || value > 0 ? value : throw OutOfRange(nameof(TcpKeepaliveInterval), value, "it must be -1 (the OS default) or a positive number of seconds");
    }

    private int _tcpKeepaliveInterval = -1;

    /// <summary>IP type-of-service byte for IPv4 tcp connections (libzmq ZMQ_TOS); default 0 = leave
    /// the OS's. Read at each Bind (set on the listening socket, which accepted connections inherit)
    /// and at each Connect.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It must be a byte, 0 to 255.</exception>
    public int TypeOfService
    {
        get => _typeOfService;
        set => _typeOfService = value is >= 0 and <= 255 ? value : throw OutOfRange(nameof(TypeOfService), value, "it must be a byte, 0 to 255");
    }

    private int _typeOfService;

    /// <summary>Queue messages only to completed connections (libzmq ZMQ_IMMEDIATE); default false.
    /// When false, a connecting endpoint queues messages before its connection exists and keeps them
    /// across reconnects; when true, sends go only to peers connected now, and what is queued for a
    /// peer is dropped when its connection is lost. Read at each tcp or ipc Connect: no effect on
    /// Bind or on inproc.</summary>
    public bool Immediate { get; set; }

    /// <summary>The identity this socket announces to its peers (libzmq ZMQ_ROUTING_ID), which a
    /// ROUTER peer then uses for it instead of an id of its own making; default null = none (the
    /// ROUTER makes one). 1 to 255 bytes, not starting with a zero byte (those are the ids ROUTER
    /// makes). DEALER and ROUTER announce it (REQ too, when it exists); other types ignore it. Read at
    /// each new connection.</summary>
    /// <exception cref="ArgumentException">Empty, longer than 255 bytes, or starting with 0.</exception>
    public byte[]? RoutingId
    {
        get => _routingId;
        set => _routingId = value is null or { Length: >= 1 and <= 255 } && (value is null || value[0] != 0)
            ? value?.ToArray()
            : throw new ArgumentException($"{nameof(RoutingId)} must be 1 to 255 bytes and not start with a zero byte (those are the ids a ROUTER makes), not {value!.Length} bytes", nameof(value));
    }

    private byte[]? _routingId;

    /// <summary>libzmq ZMQ_PROBE_ROUTER, for DEALER, ROUTER and REQ (others ignore it); default false.
    /// When true, an empty message goes to each peer as the first message of its pipe, so that a
    /// ROUTER peer receives the identity of this socket at once, before anything is sent. Read at
    /// each Bind and Connect (and, for an accepted peer, as it connects).</summary>
    public bool ProbeRouter { get; set; }

    /// <summary>libzmq ZMQ_CONNECT_ROUTING_ID, for ROUTER and STREAM: the identity this socket gives
    /// the peer of its <em>next</em> <see cref="Connect"/> (then it is null again), in place of the one
    /// the peer announces or one of this socket's making, so that a message can be addressed to that
    /// peer before it has said anything. 1 to 255 bytes; an identity already held by a connected peer
    /// is not taken from it (the newcomer gets a made one, unless ROUTER's handover).</summary>
    /// <exception cref="ArgumentException">Empty or longer than 255 bytes.</exception>
    /// <exception cref="NotSupportedException">The socket is neither a ROUTER nor a STREAM.</exception>
    public byte[]? ConnectRoutingId
    {
        get => _connectRoutingId;
        set
        {
            if (Type is not (ZmqSocketType.Router or ZmqSocketType.Stream))
            {
                throw new NotSupportedException($"{nameof(ConnectRoutingId)} names a peer of a ROUTER or a STREAM; a {SocketType} does not address peers by identity");
            }
            _connectRoutingId = value is null or { Length: >= 1 and <= 255 }
                ? value?.ToArray()
                : throw new ArgumentException($"{nameof(ConnectRoutingId)} must be 1 to 255 bytes, not {value.Length}", nameof(value));
        }
    }

    private byte[]? _connectRoutingId;

    /// <summary>The identity for the peer of this Connect; the next one starts without.</summary>
    private byte[]? TakeConnectRoutingId() => Interlocked.Exchange(ref _connectRoutingId, null);

    /// <summary>libzmq ZMQ_CONFLATE, for PULL, SUB and DEALER; default false. When true, of the
    /// messages each peer has sent that the application has not yet received, only the newest is
    /// kept: a receive returns the latest value from a peer, never a backlog, and a sender is never
    /// held back (nor a publisher made to drop the newest) by this socket's full queue. For
    /// single-frame messages only, as in libzmq: a multipart message is delivered as it is. Set before
    /// Bind and Connect.</summary>
    /// <exception cref="NotSupportedException">The socket is not a PULL, SUB or DEALER.</exception>
    public bool Conflate
    {
        get => _conflates;
        set
        {
            if (Type is not (ZmqSocketType.Pull or ZmqSocketType.Sub or ZmqSocketType.Dealer))
            {
                throw new NotSupportedException($"{nameof(Conflate)} keeps the newest received message of a PULL, SUB or DEALER; a {SocketType} does not conflate");
            }
            _conflates = value;
        }
    }

    private volatile bool _conflates;

    /// <summary>libzmq ZMQ_INVERT_MATCHING, for PUB, XPUB and SUB (others ignore it); default false.
    /// When true, a PUB or XPUB sends each message to the subscribers whose subscriptions do
    /// <em>not</em> match it, and a SUB receives the messages its subscriptions do not match. Both
    /// ends of a connection should agree. Read at each message.</summary>
    public bool InvertMatching { get; set; }

    private Transport.StreamOptions StreamOptions =>
        new(SendBufferSize, ReceiveBufferSize, TcpKeepalive, TcpKeepaliveIdle, TcpKeepaliveCount, TcpKeepaliveInterval, TypeOfService);

    /// <summary>A message sent to every peer as the first message of each new tcp or ipc connection
    /// (libzmq ZMQ_HELLO_MSG); default null = none. Inproc links send none. Read as each connection
    /// completes its handshake, so a change applies from the next connection (a reconnect included);
    /// the array is read then, not copied when set: replace it rather than change its bytes.</summary>
    public byte[]? HelloMessage { get; set; }

    /// <summary>Where connection events and peer errors are logged; default
    /// <see cref="NullLogger.Instance"/> (nowhere). Read each time something is logged, so a change
    /// applies at once. It is called from the socket's I/O threads, so it must be thread-safe (as
    /// Microsoft.Extensions.Logging's loggers are). Null sets it back to <see cref="NullLogger.Instance"/>.</summary>
    public ILogger Logger
    {
        get => _logger;
        set => _logger = value ?? NullLogger.Instance;
    }

    private ILogger _logger = NullLogger.Instance;

    /// <summary>A bad option value is refused when set, not found out later as a failed bind or an
    /// endless re-dial.</summary>
    private static ArgumentOutOfRangeException OutOfRange(string option, int value, string rule) =>
        new(option, value, $"{option} {value} is not valid: {rule}");
}
