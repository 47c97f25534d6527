namespace Zmq;

/// <summary>Which peer events a ROUTER receives as messages (libzmq ZMQ_ROUTER_NOTIFY's flags):
/// each is a message of the peer's identity and one empty frame.</summary>
[Flags]
public enum RouterNotifications
{
    /// <summary>No notifications (the default).</summary>
    None = 0,

    /// <summary>A peer connected (libzmq ZMQ_NOTIFY_CONNECT).</summary>
    Connect = 1,

    /// <summary>A peer's connection was lost (libzmq ZMQ_NOTIFY_DISCONNECT).</summary>
    Disconnect = 2,
}
