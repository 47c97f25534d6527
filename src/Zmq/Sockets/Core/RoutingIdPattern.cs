using Zmq.Engine;
using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// The rules SERVER and PEER share (libzmq's <c>server</c>/<c>peer</c>): each peer has a non-zero
/// 32-bit routing id, given when its pipe joins the socket (at Connect for an endpoint this socket
/// dials, which keeps it across reconnects); every received message carries its sender's id, and
/// every message sent names the id it goes to. An unknown id throws; a full peer makes the send
/// wait, never drop.
/// </summary>
internal abstract class RoutingIdPattern() : Pattern(inprocProducersMaySkipFences: true)
{
    public readonly RoutingTable Routes = new();

    public override bool SendsByRoutingId => true;

    public override void Attach(Pipe pipe) => pipe.RoutingId = Routes.Add(pipe);

    public override void Detach(Pipe pipe) => Routes.Remove(pipe);

    public override bool TrySend(ref Outgoing frame, out Pipe? blocked) => Routes.TrySend(ref frame, out blocked);

    // Any peer may be named: whether its queue has room is known only per message (libzmq too).
    public override bool HasOut => true;
}
