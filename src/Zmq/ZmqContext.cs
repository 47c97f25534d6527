using Zmq.Transport;

namespace Zmq;

/// <summary>
/// The scope of inproc endpoint names: sockets of one context reach each other's inproc:// binds.
/// Sockets created without a context use <see cref="Default"/>. Contexts hold no threads and need no
/// disposal.
/// <para>Thread-safe: sockets on any threads may bind, connect and close through one context at once.</para>
/// </summary>
public sealed class ZmqContext
{
    /// <summary>The process-wide context.</summary>
    public static ZmqContext Default { get; } = new();

    internal InprocRegistry Inproc { get; } = new();

    /// <summary>Judges the peers of this context's sockets that act as a PLAIN or CURVE server. Null
    /// (the default): an application's own ZAP handler (RFC 27) bound to
    /// <c>inproc://zeromq.zap.01</c> in this context judges them, as libzmq's handlers do; with
    /// neither, every PLAIN user and every CURVE client key is let in. Read at each handshake.</summary>
    public ZmqAuthenticator? Authenticator { get; set; }

    /// <summary>How long a handshake waits for the ZAP handler's answer; default 5 s. A handler that
    /// does not answer in time (or answers out of RFC 27) refuses the peer, unless
    /// <see cref="AcceptWhenZapHandlerSilent"/>.</summary>
    public TimeSpan ZapTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Lets a peer in when the ZAP handler does not answer within <see cref="ZapTimeout"/>
    /// (logged as a warning); default false: it is refused (fail closed).</summary>
    public bool AcceptWhenZapHandlerSilent { get; set; }

    private Security.ZapClient? _zap;

    /// <summary>The client of this context's ZAP handler, made at first use.</summary>
    internal Security.ZapClient Zap => LazyInitializer.EnsureInitialized(ref _zap, () => new Security.ZapClient(this));
}
