using Zmq.Engine;
using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// The sending side of the types that send round-robin (libzmq <c>lb</c>): CLIENT, PUSH, DEALER.
/// Each message goes whole to the next pipe with room; at the high-water mark of every pipe a send
/// waits, never drops. Receiving, where the type receives, is the core's fair queue.
/// </summary>
internal abstract class LoadBalancedPattern() : Pattern(inprocProducersMaySkipFences: true)
{
    private readonly LoadBalancer _out = new();

    public override void Attach(Pipe pipe) => _out.Add(pipe);

    public override void Detach(Pipe pipe) => _out.Remove(pipe);

    public override bool TrySend(ref Outgoing frame, out Pipe? blocked) => _out.TrySend(ref frame, out blocked);

    public override bool SendingMessage => _out.InMessage;

    public override bool HasOut => _out.HasRoom;
}
