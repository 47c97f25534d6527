using Zmq.Engine;
using Zmq.Messages;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// REP (RFC 28): a service that receives a request, then sends its reply, strictly in turn.
/// Requests are fair-queued from its REQ and DEALER peers; the envelope in front of each (any
/// routing frames added by ROUTER/DEALER hops, up to the empty delimiter) is kept and put back in
/// front of the reply, which goes to the peer the request came from, so that it finds its way back
/// through any number of hops. A message without a delimiter is dropped. A reply whose peer has
/// gone, or whose queue is full, is dropped. A receive while a reply is due, or a send with no
/// request in, throws <see cref="InvalidOperationException"/> saying which call was expected.
/// <para>Threads: one conversation at a time; Bind, Connect and Dispose are safe from any thread
/// (<see cref="ZmqSocket.IsThreadSafe"/> is false). Options are not synchronised: set them before
/// Bind and Connect.</para>
/// </summary>
public sealed class ResponseSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates a REP in <see cref="ZmqContext.Default"/>.</summary>
    public ResponseSocket()
        : this(null)
    {
    }

    /// <summary>Creates a REP whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public ResponseSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    private sealed class Rules() : Pattern(inprocProducersMaySkipFences: true)
    {
        /// <summary>The routing frames of the request being answered, delimiter excluded.</summary>
        private readonly List<byte[]> _envelope = [];

        /// <summary>The peer of the request being answered; null when no reply is due.</summary>
        private volatile Pipe? _replyTo;

        /// <summary>A reply is being sent frame by frame, to this pipe (or dropped, when null).</summary>
        private bool _replying;
        private Pipe? _writing;

        public override ZmqSocketType Type => ZmqSocketType.Rep;

        public override bool TakesTurns => true;

        public override bool TakesEnvelopes => true;

        public override bool SendingMessage => _replying;

        public override bool HasOut => _replyTo != null;

        public override void Detach(Pipe pipe)
        {
            if (_writing == pipe)
            {
                pipe.Outbound.RollbackStaged();
                _writing = null;
            }
        }

        public override void CheckSendTurn()
        {
            if (_replyTo == null)
            {
                throw new InvalidOperationException("a REP sends only replies: Receive a request first");
            }
        }

        public override void CheckReceiveTurn()
        {
            if (_replyTo != null)
            {
                throw new InvalidOperationException("a REP has received a request and must Send its reply before receiving the next");
            }
        }

        public override void TakeEnvelope(Pipe from)
        {
            _envelope.Clear();
            while (from.Inbound.TryDequeue(out var msg))
            {
                bool more = msg.More;
                bool delimiter = msg.Length == 0;
                if (!delimiter && more)
                {
                    _envelope.Add(msg.Span.ToArray());
                }
                msg.Release();
                Incoming.Taken(from, more);
                if (!more)
                {
                    // No delimiter, or no body after it: not a request; dropped.
                    _envelope.Clear();
                    return;
                }
                if (delimiter)
                {
                    _replyTo = from;
                    return;
                }
            }
        }

        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            if (!_replying)
            {
                _replying = true;
                var to = _replyTo;
                _writing = to is { Terminated: false } && to.HasSendCapacity ? to : null;
                if (_writing != null)
                {
                    foreach (var part in _envelope)
                    {
                        WriteFrame(_writing, part);
                    }
                    _writing.WriteInline([], more: true);
                }
            }
            frame.WriteToOrDrop(_writing);
            if (!frame.More)
            {
                _replying = false;
                _writing = null;
                _envelope.Clear();
                _replyTo = null;
            }
            return true;
        }

        private static void WriteFrame(Pipe pipe, byte[] data)
        {
            if (data.Length <= Msg.InlineCapacity)
            {
                pipe.WriteInline(data, more: true);
            }
            else
            {
                pipe.Write(Msg.CopyOf(data, more: true));
            }
        }
    }
}
