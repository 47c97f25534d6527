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
        private readonly SubscriptionTrie<Pipe> _subscriptions = new(counted: false);
        private readonly Distributor _out = new();

        /// <summary>The pipes whose subscriptions count: a pipe left behind (by Disconnect, say) may
        /// still deliver some, which must not bring it back.</summary>
        private readonly HashSet<Pipe> _pipes = [];

        public override ZmqSocketType Type => ZmqSocketType.Pub;

        public override bool FansOut => true;

        // A subscriber gets nothing until it subscribes.
        public override void Attach(Pipe pipe) => _pipes.Add(pipe);

        public override void Detach(Pipe pipe)
        {
            _pipes.Remove(pipe);
            Forget(pipe);
        }

        /// <summary>A connecting pipe outlives its connection, and the peer sends its subscriptions
        /// again after reconnecting: the old ones go now, and so does what was queued for them, so the
        /// new connection starts on a message boundary with only what it subscribes to.</summary>
        public override void Disconnected(Pipe pipe)
        {
            Forget(pipe);
            pipe.DrainOutbound();
        }

        private void Forget(Pipe pipe)
        {
            _subscriptions.RemoveAll(pipe);
            _out.Remove(pipe);
        }

        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            if (!_out.InMessage)
            {
                _out.Clear();
                foreach (var pipe in _subscriptions.Match(frame.Span))
                {
                    _out.AddIfRoom(pipe);
                }
            }
            _out.Send(ref frame);
            return true;
        }

        public override bool HasOut => true;

        /// <summary>Subscriptions arrived as messages: 0x01 or 0x00, then the topic (ZMTP 3.0's form,
        /// which libzmq sends to every peer). Anything else from a subscriber is dropped.</summary>
        public override bool TakesInbound => true;

        public override void TakeInbound(Pipe pipe)
        {
            while (pipe.Inbound.TryDequeue(out var msg))
            {
                var body = msg.Span;
                if (body.Length > 0 && body[0] <= 1)
                {
                    Change(pipe, body[0] == 1, body[1..]);
                }
                msg.Release();
                pipe.OnInboundDequeued();
            }
        }

        /// <summary>ZMTP 3.1's SUBSCRIBE and CANCEL commands, taken in order with the message form:
        /// what the peer queued before the command counts first.</summary>
        public override void Command(Pipe pipe, string name, ReadOnlySpan<byte> data)
        {
            if (name is not (Commands.Subscribe or Commands.Cancel))
            {
                return;
            }
            using (Owner.SendLockScope())
            {
                TakeInbound(pipe);
                Change(pipe, name == Commands.Subscribe, data);
            }
        }

        private void Change(Pipe pipe, bool subscribe, ReadOnlySpan<byte> topic)
        {
            if (!_pipes.Contains(pipe))
            {
                return;
            }
            if (subscribe)
            {
                _subscriptions.Add(topic, pipe);
            }
            else
            {
                _subscriptions.Remove(topic, pipe);
            }
        }
    }
}
