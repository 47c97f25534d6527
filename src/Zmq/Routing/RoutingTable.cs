using Zmq.Engine;

namespace Zmq.Routing;

/// <summary>SERVER's peers by their 32-bit routing id. Ids are never 0; as in libzmq they start at a
/// random value and count up, so an id is not reused soon after its peer leaves.
/// Runs under the socket's send lock.</summary>
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
}
