using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// ROUTER (RFC 28): talks to many REQ, DEALER and ROUTER peers and knows each by its identity. Every
/// received message starts with a frame holding the identity of the peer it came from; a message
/// sent starts with the identity of the peer it goes to (that frame is not sent on). A peer's
/// identity is the <see cref="ZmqSocket.RoutingId"/> it announced, or else 5 bytes this socket makes
/// (0x00, then a 32-bit counter), as libzmq's. A message to an unknown identity, or to a peer whose
/// queue is full, is dropped and counted in <see cref="DroppedMessages"/>, unless
/// <see cref="RouterMandatory"/> is set.
/// <para>Threads: whole-message sends and receives (<c>SendMultipart</c>, <c>ReceiveMultipart</c>),
/// Bind, Connect and Dispose are safe from many threads at once; a message sent or received frame by
/// frame belongs to one thread until its last frame (<see cref="ZmqSocket.IsThreadSafe"/> is false).
/// Options are not synchronised: set them before Bind and Connect.</para>
/// </summary>
public sealed class RouterSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    private readonly Rules _rules;

    /// <summary>Creates a ROUTER in <see cref="ZmqContext.Default"/>.</summary>
    public RouterSocket()
        : this(null)
    {
    }

    /// <summary>Creates a ROUTER whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public RouterSocket(ZmqContext? context)
        : base(context, new Rules())
    {
        _rules = (Rules)Pattern;
    }

    /// <summary>libzmq ZMQ_ROUTER_MANDATORY; default false. When true, a message to an identity no
    /// connected peer has throws <see cref="HostUnreachableException"/> (nothing of it is sent), and
    /// one to a peer whose queue is full waits (up to <see cref="ZmqSocket.SendTimeout"/>; a
    /// <c>TrySend</c> returns false) instead of being dropped.</summary>
    public bool RouterMandatory { get; set; }

    /// <summary>libzmq ZMQ_ROUTER_HANDOVER; default false. When true, a new peer that announces the
    /// identity of a connected one takes it over (messages to it go to the new peer); when false, the
    /// new peer gets an identity of this socket's making instead, which its messages carry, so it is
    /// still served. (libzmq ignores such a peer instead: nothing it sends is received, nothing
    /// reaches it.)</summary>
    public bool RouterHandover { get; set; }

    /// <summary>libzmq ZMQ_ROUTER_NOTIFY; default <see cref="RouterNotifications.None"/>. With
    /// <see cref="RouterNotifications.Connect"/>, a tcp or ipc peer's arrival is received as a message
    /// of its identity and an empty frame; with <see cref="RouterNotifications.Disconnect"/>, so is its
    /// loss (not when this side closed the connection). Read as each connection starts and ends;
    /// inproc peers send none.</summary>
    public RouterNotifications RouterNotify { get; set; }

    /// <summary>Messages dropped so far because no connected peer had their identity, or (without
    /// <see cref="RouterMandatory"/>) its queue was full.</summary>
    public long DroppedMessages => Interlocked.Read(ref _rules.Dropped);

    private sealed class Rules : IdentityRoutingPattern
    {
        private RouterSocket Socket => (RouterSocket)Owner;

        public override ZmqSocketType Type => ZmqSocketType.Router;

        protected override bool Mandatory => Socket.RouterMandatory;

        protected override bool Handover => Socket.RouterHandover;

        public override byte[]? MessageOnConnect(Pipe pipe) => (Socket.RouterNotify & RouterNotifications.Connect) != 0 ? [] : null;

        public override byte[]? MessageOnConnectionLost(Pipe pipe) => (Socket.RouterNotify & RouterNotifications.Disconnect) != 0 ? [] : null;

        protected override byte[]? Announced(Pipe pipe) => pipe.IsInproc ? (pipe.InprocPeerHost as ZmqSocket)?.RoutingId : pipe.Connection?.PeerIdentity;
    }
}
