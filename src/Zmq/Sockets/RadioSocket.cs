using Zmq.Engine;
using Zmq.Messages;
using Zmq.Protocol;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// RADIO (RFC 48): sends each message to a group, and it reaches every connected DISH that joined
/// that group (an exact match, not a prefix). A DISH whose queue is at
/// <see cref="ZmqSocket.SendHighWatermark"/> misses the message: a send never waits, unless
/// <see cref="NoDrop"/>. A payload above
/// 64 bytes is shared by the DISHes' queues, not copied for each. Receives nothing. Single-frame
/// messages only. Over ZMTP each message is a group frame and a body frame, and the DISHes' JOIN and
/// LEAVE commands decide who gets it, as with libzmq.
/// <para>Thread-safe: any number of threads may send, bind, connect and dispose at once
/// (<see cref="ZmqSocket.IsThreadSafe"/>). Options are not synchronised: set them before Bind and
/// Connect.</para>
/// </summary>
public sealed class RadioSocket : ZmqSocket, IGroupSendingSocket
{
    /// <summary>Creates a RADIO in <see cref="ZmqContext.Default"/>.</summary>
    public RadioSocket()
        : this(null)
    {
    }

    /// <summary>Creates a RADIO whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public RadioSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>When a DISH that joined the message's group is at its high-water mark, the send waits
    /// (up to <see cref="ZmqSocket.SendTimeout"/>; <c>TrySend</c> returns false) instead of that DISH
    /// missing the message (libzmq ZMQ_XPUB_NODROP on a RADIO); default false. Every DISH then
    /// gets every message of its groups, and the slowest sets the pace.</summary>
    public bool NoDrop { get; set; }

    private sealed class Rules : FanOutPattern
    {
        private readonly GroupTable _groups = new();
        private readonly HashSet<Pipe> _dishes = [];

        public override ZmqSocketType Type => ZmqSocketType.Radio;

        /// <summary>udp endpoints: no JOIN comes over them, so they get every group (the DISH filters).</summary>
        private readonly HashSet<Pipe> _udp = [];

        private readonly HashSet<Pipe> _targets = [];

        public override void Attach(Pipe pipe)
        {
            _dishes.Add(pipe);
            if (pipe.Datagram)
            {
                _udp.Add(pipe);
            }
        }

        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            var members = _groups.Members(frame.Group);
            if (_udp.Count > 0)
            {
                // Added one by one: UnionWith takes an IEnumerable, whose enumerator is boxed per call.
                _targets.Clear();
                foreach (var pipe in members)
                {
                    _targets.Add(pipe);
                }
                foreach (var pipe in _udp)
                {
                    _targets.Add(pipe);
                }
                members = _targets;
            }
            if (((RadioSocket)Owner).NoDrop && FirstFull(members) is { } full)
            {
                blocked = full;
                return false;
            }
            Out.Choose(members);
            Out.SendGroup(frame.Group);
            Out.Send(ref frame);
            return true;
        }

        /// <summary>Over inproc, a DISH's JOIN and LEAVE arrive as queued commands.</summary>
        public override void TakeInbound(Pipe pipe)
        {
            while (pipe.Inbound.TryDequeue(out var msg))
            {
                if (msg.Command && Commands.TryParse(msg.Span, out string name, out var group, out _) && StatesInterest(name))
                {
                    ApplyInterest(pipe, name, group);
                }
                msg.Release();
                pipe.OnInboundDequeued();
            }
        }

        protected override bool StatesInterest(string command) => command is Commands.Join or Commands.Leave;

        /// <summary>Only pipes still routed to count: one left behind may deliver a late JOIN.</summary>
        protected override void ApplyInterest(Pipe pipe, string command, ReadOnlySpan<byte> group)
        {
            if (!_dishes.Contains(pipe) || group.Length > GroupTable.MaxGroupLength)
            {
                return;
            }
            if (command == Commands.Join)
            {
                _groups.Join(group, pipe);
            }
            else
            {
                _groups.Leave(group, pipe);
            }
        }

        protected override void ForgetInterest(Pipe pipe, bool peerGone)
        {
            if (peerGone)
            {
                _dishes.Remove(pipe);
                _udp.Remove(pipe);
            }
            _groups.RemoveAll(pipe);
        }
    }
}
