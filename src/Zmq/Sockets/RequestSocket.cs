using System.Buffers.Binary;
using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// REQ (RFC 28): a client that sends a request, then receives its reply, strictly in turn. A
/// request goes round-robin to the next REP or ROUTER peer with room, behind an empty delimiter
/// frame; the reply is taken only from the peer the request went to, its delimiter removed. A send
/// while a reply is due, or a receive with no request out, throws <see cref="InvalidOperationException"/>
/// saying which call was expected, unless <see cref="ReqRelaxed"/>.
/// <para>Threads: one conversation at a time; Bind, Connect and Dispose are safe from any thread
/// (<see cref="ZmqSocket.IsThreadSafe"/> is false). Options are not synchronised: set them before
/// Bind and Connect.</para>
/// </summary>
public sealed class RequestSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates a REQ in <see cref="ZmqContext.Default"/>.</summary>
    public RequestSocket()
        : this(null)
    {
    }

    /// <summary>Creates a REQ whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public RequestSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>libzmq ZMQ_REQ_RELAXED; default false. When true, a request may be sent while a reply
    /// is due (the way out when a reply was lost): the new request goes to the next peer, and only
    /// its reply is taken. Set <see cref="ReqCorrelate"/> with it, so that a late reply to an older
    /// request from the same peer is told apart and dropped.</summary>
    public bool ReqRelaxed { get; set; }

    /// <summary>libzmq ZMQ_REQ_CORRELATE; default false. When true, each request carries a 4-byte id
    /// in front of its delimiter, and a reply whose id is not the last request's is dropped. The
    /// peer must echo it back: REP and ROUTER-based brokers do.</summary>
    public bool ReqCorrelate { get; set; }

    private sealed class Rules : Pattern
    {
        private readonly LoadBalancer _out = new();
        private readonly Action<Pipe> _envelope;

        /// <summary>The peer the last request went to, whose reply is due; null when none is.</summary>
        private volatile Pipe? _replyFrom;

        /// <summary>The peer the request being sent goes to.</summary>
        private Pipe? _requestTo;

        private uint _requestId = (uint)Random.Shared.Next();

        public Rules()
            : base(inprocProducersMaySkipFences: true)
        {
            _envelope = WriteEnvelope;
        }

        private RequestSocket Socket => (RequestSocket)Owner;

        public override ZmqSocketType Type => ZmqSocketType.Req;

        public override bool TakesTurns => true;

        public override bool TakesEnvelopes => true;

        public override void Attach(Pipe pipe) => _out.Add(pipe);

        public override void Detach(Pipe pipe) => _out.Remove(pipe);

        public override bool SendingMessage => _out.InMessage;

        public override bool HasOut => _replyFrom == null && _out.HasRoom;

        public override void CheckSendTurn()
        {
            if (!_out.InMessage && _replyFrom != null && !Socket.ReqRelaxed)
            {
                throw new InvalidOperationException("a REQ has sent a request and must Receive its reply before sending the next (or set ReqRelaxed)");
            }
        }

        public override void CheckReceiveTurn()
        {
            if (_replyFrom == null)
            {
                throw new InvalidOperationException("a REQ receives only the reply to its request: Send a request first");
            }
        }

        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            if (!_out.TrySend(ref frame, out blocked, _envelope))
            {
                return false;
            }
            if (!frame.More)
            {
                _replyFrom = _requestTo;
            }
            return true;
        }

        private void WriteEnvelope(Pipe pipe)
        {
            _requestTo = pipe;
            _requestId++;
            if (Socket.ReqCorrelate)
            {
                Span<byte> id = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(id, _requestId);
                pipe.WriteInline(id, more: true);
            }
            pipe.WriteInline([], more: true);
        }

        public override void TakeEnvelope(Pipe from)
        {
            if (from != _replyFrom)
            {
                // Not the peer whose reply is due (a late reply after ReqRelaxed): dropped whole.
                Incoming.DropRest(from);
                return;
            }
            if ((Socket.ReqCorrelate && !TakeFrame(from, idLength: 4)) || !TakeFrame(from, idLength: 0))
            {
                return;
            }
            _replyFrom = null;
        }

        /// <summary>Takes the next envelope frame: the request id when correlating (4 bytes), then the
        /// empty delimiter. False when it does not match (the rest of its message is dropped) or the
        /// message ends with it (nothing to deliver).</summary>
        private bool TakeFrame(Pipe from, int idLength)
        {
            from.Inbound.TryDequeue(out var msg);
            bool more = msg.More;
            bool matches = idLength == 0
                ? msg.Length == 0
                : msg.Length == idLength && BinaryPrimitives.ReadUInt32BigEndian(msg.Span) == _requestId;
            msg.Release();
            Incoming.Taken(from, more);
            if (!matches && more)
            {
                Incoming.DropRest(from);
            }
            return matches && more;
        }
    }
}
