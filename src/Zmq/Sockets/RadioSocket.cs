using Zmq.Engine;
using Zmq.Messages;
using Zmq.Protocol;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// RADIO (RFC 48): sends each message to a group, and it reaches every connected DISH that joined
/// that group (an exact match, not a prefix). A DISH whose queue is at
/// <see cref="ZmqSocket.SendHighWatermark"/> misses the message: a send never waits. A payload above
/// 64 bytes is shared by the DISHes' queues, not copied for each. Receives nothing. Single-frame
/// messages only. Thread-safe. Over ZMTP each message is a group frame and a body frame, and the
/// DISHes' JOIN and LEAVE commands decide who gets it, as with libzmq.
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

    private sealed class Rules : Pattern
    {
        private readonly GroupTable _groups = new();
        private readonly HashSet<Pipe> _dishes = [];
        private readonly Distributor _out = new();

        public override ZmqSocketType Type => ZmqSocketType.Radio;

        public override bool FansOut => true;

        public override void Attach(Pipe pipe) => _dishes.Add(pipe);

        public override void Detach(Pipe pipe)
        {
            _dishes.Remove(pipe);
            _groups.RemoveAll(pipe);
            _out.Remove(pipe);
        }

        /// <summary>The DISH joins again after reconnecting: its groups go now, and what was queued
        /// for it, so the new connection starts with only what it joins.</summary>
        public override void Disconnected(Pipe pipe)
        {
            _groups.RemoveAll(pipe);
            _out.Remove(pipe);
            pipe.DrainOutbound();
        }

        // A fan-out never waits: a DISH whose queue is full misses the message.
        public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
        {
            blocked = null;
            _out.Choose(_groups.Members(frame.Group));
            _out.SendGroup(frame.Group);
            _out.Send(ref frame);
            return true;
        }

        public override bool HasOut => true;

        /// <summary>Over inproc, a DISH's JOIN and LEAVE arrive as queued commands.</summary>
        public override bool TakesInbound => true;

        public override void TakeInbound(Pipe pipe)
        {
            while (pipe.Inbound.TryDequeue(out var msg))
            {
                if (msg.Command && Commands.TryParse(msg.Span, out string name, out var group, out _))
                {
                    Apply(pipe, name, group);
                }
                msg.Release();
                pipe.OnInboundDequeued();
            }
        }

        /// <summary>ZMTP's JOIN and LEAVE, in order with what the DISH queued before. (RADIO receives
        /// nothing, so this runs on the read loop, holding no lock.)</summary>
        public override void Command(Pipe pipe, string name, ReadOnlySpan<byte> data)
        {
            if (name is not (Commands.Join or Commands.Leave))
            {
                return;
            }
            using (Owner.SendLockScope())
            {
                TakeInbound(pipe);
                Apply(pipe, name, data);
            }
        }

        /// <summary>Only pipes still routed to count: one left behind may deliver a late JOIN.</summary>
        private void Apply(Pipe pipe, string name, ReadOnlySpan<byte> group)
        {
            if (!_dishes.Contains(pipe) || group.Length > GroupTable.MaxGroupLength)
            {
                return;
            }
            if (name == Commands.Join)
            {
                _groups.Join(group, pipe);
            }
            else if (name == Commands.Leave)
            {
                _groups.Leave(group, pipe);
            }
        }
    }
}
