using Zmq.Transport;

namespace Zmq;

/// <summary>
/// The scope of inproc endpoint names: sockets of one context reach each other's inproc:// binds.
/// Sockets created without a context use <see cref="Default"/>. Contexts hold no threads.
/// </summary>
public sealed class ZmqContext
{
    /// <summary>The process-wide context.</summary>
    public static ZmqContext Default { get; } = new();

    internal InprocRegistry Inproc { get; } = new();
}
