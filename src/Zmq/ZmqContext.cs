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

    /// <summary>Judges the peers of this context's sockets that act as a PLAIN or CURVE server; null
    /// (the default): every PLAIN user and every CURVE client key is let in. Read at each handshake.</summary>
    public ZmqAuthenticator? Authenticator { get; set; }
}
