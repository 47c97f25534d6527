using Zmq.Engine;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// XSUB: a SUB whose subscriptions are messages the application sends: a 0x01 byte, then the topic,
/// subscribes; a 0x00 byte, then the topic, cancels. They go to every publisher (again after each
/// reconnect), where the publishers filter by them; unlike a SUB, an XSUB does not filter again what
/// arrives (as libzmq's). Any other message sent on it goes upstream,
/// whole, to every publisher with room (an XPUB receives it; a PUB drops it), as libzmq's. Receives what its PUB and XPUB peers publish,
/// fair-queued, whole multipart messages at a time.
/// <para>Threads: whole-message sends and receives, Bind, Connect and Dispose are safe from many
/// threads at once; a message sent or received frame by frame belongs to one thread until its last
/// frame (<see cref="ZmqSocket.IsThreadSafe"/> is false). Options are not synchronised: set them
/// before Bind and Connect.</para>
/// </summary>
public sealed class XSubscriberSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates an XSUB in <see cref="ZmqContext.Default"/>.</summary>
    public XSubscriberSocket()
        : this(null)
    {
    }

    /// <summary>Creates an XSUB whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public XSubscriberSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    private sealed class Rules : SubscribingPattern
    {
        /// <summary>Every publisher, for the messages that go upstream.</summary>
        private readonly HashSet<Pipe> _publishers = [];
        private readonly Distributor _up = new();
        private bool _inMessage;

        public override ZmqSocketType Type => ZmqSocketType.XSub;

        public override bool SendingMessage => _inMessage;

        public override bool HasOut => true;

        // As libzmq's XSUB: the publishers filter, this side takes what comes (a forwarder passes on
        // what its subscribers asked for, whatever this socket's own list says).
        public override bool Filters => false;

        // A message sent upstream goes to every publisher, sharing one body.
        public override bool FansOut => true;

        public override void Attach(Pipe pipe)
        {
            _publishers.Add(pipe);
            base.Attach(pipe);
        }

        public override void Detach(Pipe pipe)
        {
            _publishers.Remove(pipe);
            _up.Remove(pipe);
            base.Detach(pipe);
        }

        public override void Disconnected(Pipe pipe)
        {
            _up.Remove(pipe);
            base.Disconnected(pipe);
        }

        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            var body = frame.Span;
            if (!_inMessage)
            {
                if (body.Length > 0 && body[0] <= 1)
                {
                    // The send lock is held; the filter the receivers read needs the receive lock too.
                    using (Owner.ReceiveLockScope())
                    {
                        Change(body[1..], subscribe: body[0] == 1);
                    }
                    // A subscription's own frames go up as the SUBSCRIBE/CANCEL command, not as they are.
                    _up.Clear();
                }
                else
                {
                    // Any other message goes to every publisher with room (libzmq's XSUB), for an
                    // XPUB to receive.
                    _up.Choose(_publishers);
                }
            }
            _inMessage = frame.More;
            _up.Send(ref frame);
            return true;
        }
    }
}
