using Zmq.Engine;
using Zmq.Protocol;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// PUB (RFC 29): sends each message to every connected SUB whose subscriptions match its first
/// frame (a prefix match; the empty topic matches all). A subscriber whose queue is at
/// <see cref="ZmqSocket.SendHighWatermark"/> misses the message: a send never waits. Receives
/// nothing. Multipart messages go whole to the same subscribers; a payload above 64 bytes is shared
/// by them, not copied per subscriber. Whole-message sends are safe from many threads at once.
/// </summary>
public sealed class PublisherSocket : ZmqSocket, IMultipartSendingSocket
{
    /// <summary>Creates a PUB in <see cref="ZmqContext.Default"/>.</summary>
    public PublisherSocket()
        : this(null)
    {
    }

    /// <summary>Creates a PUB whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public PublisherSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    private sealed class Rules : Pattern
    {
        private readonly SubscriberTable _subscribers = new();
        private readonly Distributor _out = new();

        public override ZmqSocketType Type => ZmqSocketType.Pub;

        public override bool FansOut => true;

        public override void Attach(Pipe pipe) => _subscribers.Add(pipe);

        public override void Detach(Pipe pipe)
        {
            _subscribers.Remove(pipe);
            _out.Remove(pipe);
        }

        /// <summary>A connecting pipe outlives its connection, and the peer subscribes again after
        /// reconnecting: the old subscriptions go now, and so does what was queued for them, so the
        /// new connection starts on a message boundary with only what it subscribes to.</summary>
        public override void Disconnected(Pipe pipe)
        {
            _subscribers.Forget(pipe);
            _out.Remove(pipe);
            pipe.DrainOutbound();
        }

        // A fan-out never waits: a subscriber whose queue is full misses the message.
        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            if (!_out.InMessage)
            {
                _out.Choose(_subscribers.Match(frame.Span));
            }
            _out.Send(ref frame);
            return true;
        }

        public override bool HasOut => true;

        public override bool TakesInbound => true;

        public override void TakeInbound(Pipe pipe) => _subscribers.ReadFrom(pipe);

        /// <summary>ZMTP 3.1's SUBSCRIBE and CANCEL, in order with the message form: what the peer
        /// queued before the command counts first. (PUB receives nothing, so no receiver ever reads
        /// for its read loop: this runs on the read loop, holding no lock.)</summary>
        public override void Command(Pipe pipe, string name, ReadOnlySpan<byte> data)
        {
            if (name is not (Commands.Subscribe or Commands.Cancel))
            {
                return;
            }
            using (Owner.SendLockScope())
            {
                _subscribers.ReadFrom(pipe);
                _subscribers.Apply(pipe, name == Commands.Subscribe, data);
            }
        }
    }
}
