namespace Zmq;

/// <summary>
/// The ØMQ socket types, numbered as in libzmq's <c>zmq.h</c>. Named <c>ZmqSocketType</c>, not
/// <c>SocketType</c>, so that it never clashes with <see cref="System.Net.Sockets.SocketType"/>
/// in a file that uses both namespaces.
/// </summary>
public enum ZmqSocketType
{
    /// <summary>Exclusive pair: one peer, both directions (PAIR).</summary>
    Pair = 0,
    /// <summary>Publisher: fan-out by topic prefix (PUB).</summary>
    Pub = 1,
    /// <summary>Subscriber (SUB).</summary>
    Sub = 2,
    /// <summary>Requester: strict request, reply (REQ).</summary>
    Req = 3,
    /// <summary>Replier (REP).</summary>
    Rep = 4,
    /// <summary>Asynchronous requester: round-robin out, fair-queue in (DEALER).</summary>
    Dealer = 5,
    /// <summary>Asynchronous replier: addresses peers by identity frames (ROUTER).</summary>
    Router = 6,
    /// <summary>Pipeline sink (PULL).</summary>
    Pull = 7,
    /// <summary>Pipeline source (PUSH).</summary>
    Push = 8,
    /// <summary>Publisher that sees subscriptions (XPUB).</summary>
    XPub = 9,
    /// <summary>Subscriber that sends subscriptions as messages (XSUB).</summary>
    XSub = 10,
    /// <summary>Raw TCP peers, no ZMTP (STREAM).</summary>
    Stream = 11,
    /// <summary>Thread-safe replier addressing peers by routing id (SERVER).</summary>
    Server = 12,
    /// <summary>Thread-safe requester (CLIENT).</summary>
    Client = 13,
    /// <summary>Thread-safe publisher to groups (RADIO).</summary>
    Radio = 14,
    /// <summary>Thread-safe group subscriber (DISH).</summary>
    Dish = 15,
    /// <summary>Thread-safe pipeline sink (GATHER).</summary>
    Gather = 16,
    /// <summary>Thread-safe pipeline source (SCATTER).</summary>
    Scatter = 17,
    /// <summary>Raw UDP datagrams (DGRAM).</summary>
    Dgram = 18,
    /// <summary>Thread-safe peer-to-peer by routing id (PEER).</summary>
    Peer = 19,
    /// <summary>Thread-safe exclusive pair (CHANNEL).</summary>
    Channel = 20,
}
