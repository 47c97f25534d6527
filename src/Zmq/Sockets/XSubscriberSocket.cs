using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// XSUB: a SUB whose subscriptions are messages the application sends: a 0x01 byte, then the topic,
/// subscribes; a 0x00 byte, then the topic, cancels. They go to every publisher (again after each
/// reconnect) and filter what is received, as SUB's do. Other messages sent on it are dropped
/// (libzmq passes them upstream; not yet here). Receives what its PUB and XPUB peers publish,
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
        /// <summary>The frames after a message's first are not looked at.</summary>
        private bool _inMessage;

        public override ZmqSocketType Type => ZmqSocketType.XSub;

        public override bool SendingMessage => _inMessage;

        public override bool HasOut => true;

        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            var body = frame.Span;
            if (!_inMessage && body.Length > 0 && body[0] <= 1)
            {
                // The send lock is held; the filter the receivers read needs the receive lock too.
                using (Owner.ReceiveLockScope())
                {
                    Change(body[1..], subscribe: body[0] == 1);
                }
            }
            _inMessage = frame.More;
            frame.Drop();
            return true;
        }
    }
}
