using Zmq.Engine;
using Zmq.Routing;
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
    /// new peer gets an identity of this socket's making instead.</summary>
    public bool RouterHandover { get; set; }

    /// <summary>Messages dropped so far because no connected peer had their identity, or (without
    /// <see cref="RouterMandatory"/>) its queue was full.</summary>
    public long DroppedMessages => Interlocked.Read(ref _rules.Dropped);

    private sealed class Rules() : Pattern(inprocProducersMaySkipFences: true)
    {
        private readonly IdentityTable _peers = new();

        /// <summary>The next frame sent is a message's first: the identity of its peer.</summary>
        private bool _atIdentity = true;

        /// <summary>The peer taking the rest of the message, or null when it is being dropped.</summary>
        private Pipe? _sending;

        public long Dropped;

        private RouterSocket Socket => (RouterSocket)Owner;

        public override ZmqSocketType Type => ZmqSocketType.Router;

        public override bool AddsIdentityFrame => true;

        public override void Attach(Pipe pipe)
        {
            // A connecting end learns its peer's identity with each handshake (Connected, InprocLinked).
            if (pipe.IsInproc ? pipe.InprocPeerHost != null : pipe.Connection != null)
            {
                Identify(pipe);
            }
        }

        public override void Connected(Pipe pipe) => Identify(pipe);

        public override void InprocLinked(Pipe pipe) => Identify(pipe);

        public override void Detach(Pipe pipe)
        {
            _peers.Remove(pipe);
            if (_sending == pipe)
            {
                // Its staged frames go with it; the rest of the message has nowhere to go.
                pipe.Outbound.RollbackStaged();
                _sending = null;
            }
        }

        private void Identify(Pipe pipe)
        {
            _peers.Remove(pipe);
            byte[]? announced = pipe.IsInproc ? (pipe.InprocPeerHost as ZmqSocket)?.RoutingId : pipe.Connection?.PeerIdentity;
            // An identity a connected peer holds already goes to the newcomer only with handover.
            pipe.Identity = _peers.Add(pipe, announced, Socket.RouterHandover) ?? _peers.Add(pipe, []);
        }

        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            if (_atIdentity)
            {
                if (!frame.More)
                {
                    // An identity with no message after it: nothing to send, as in libzmq.
                    frame.Drop();
                    return true;
                }
                bool known = _peers.TryGet(frame.Span, out var pipe);
                if (known && pipe.HasSendCapacity)
                {
                    _sending = pipe;
                }
                else if (Socket.RouterMandatory)
                {
                    if (known)
                    {
                        blocked = pipe;
                        return false;
                    }
                    frame.Drop();
                    throw new HostUnreachableException($"no connected peer has the identity 0x{Convert.ToHexStringLower(frame.Span)}: it disconnected, or never connected");
                }
                else
                {
                    _sending = null;
                    Interlocked.Increment(ref Dropped);
                }
                _atIdentity = false;
                frame.Drop();
                return true;
            }
            frame.WriteToOrDrop(_sending);
            if (!frame.More)
            {
                _atIdentity = true;
                _sending = null;
            }
            return true;
        }

        public override bool SendingMessage => !_atIdentity;

        // A ROUTER can always send: a message with nowhere to go is dropped (or, mandatory, refused).
        public override bool HasOut => true;
    }
}
