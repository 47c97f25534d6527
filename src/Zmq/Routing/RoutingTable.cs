using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq.Routing;

/// <summary>SERVER's peers by their 32-bit routing id. Ids are never 0; as in libzmq they start at a
/// random value and count up, so an id is not reused soon after its peer leaves.
/// Runs under the socket's send lock. Part of the routing kit: unit-tested alone.</summary>
internal sealed class RoutingTable
{
    private readonly Dictionary<uint, Pipe> _pipes = [];
    private uint _next = (uint)Random.Shared.Next(1, int.MaxValue);

    public int Count => _pipes.Count;

    public IEnumerable<uint> Ids => _pipes.Keys;

    public uint Add(Pipe pipe)
    {
        do
        {
            _next++;
        }
        while (_next == 0 || _pipes.ContainsKey(_next));
        _pipes.Add(_next, pipe);
        return _next;
    }

    public void Remove(Pipe pipe)
    {
        if (pipe.RoutingId != 0 && _pipes.TryGetValue(pipe.RoutingId, out var p) && p == pipe)
        {
            _pipes.Remove(pipe.RoutingId);
        }
    }

    public bool TryGet(uint routingId, out Pipe pipe) => _pipes.TryGetValue(routingId, out pipe!);

    /// <summary>Queues the frame for the peer its routing id names, if that peer's queue has room;
    /// false (and <paramref name="blocked"/>, that pipe) when it is full.</summary>
    /// <exception cref="HostUnreachableException">No connected peer has the id.</exception>
    public bool TrySend(ref Outgoing frame, out Pipe? blocked)
    {
        if (!_pipes.TryGetValue(frame.RoutingId, out var pipe))
        {
            throw new HostUnreachableException($"no connected peer has routing id {frame.RoutingId}: it disconnected, or the id did not come from this socket");
        }
        if (!pipe.HasSendCapacity)
        {
            blocked = pipe;
            return false;
        }
        frame.WriteTo(pipe);
        blocked = null;
        return true;
    }
}
