using Zmq.Engine;

namespace Zmq.Routing;

/// <summary>ROUTER's peers by byte identity: the peer's own routing id when it announced one, else a
/// generated five-byte id (0x00 then a 32-bit counter, as libzmq makes them; a peer-chosen id never
/// starts with 0x00). Runs under the socket's send lock. Part of the routing kit: unit-tested alone.</summary>
internal sealed class IdentityTable
{
    private readonly Dictionary<byte[], Pipe> _pipes = new(ByteArrayComparer.Instance);
    private readonly Dictionary<Pipe, byte[]> _identities = [];
    private uint _next = (uint)Random.Shared.Next();

    public int Count => _pipes.Count;

    /// <summary>Adds a peer under <paramref name="announced"/> (null or empty: a generated id).
    /// Returns its identity, or null when another live peer already has that one (libzmq then keeps
    /// the first, unless handover is on: see <paramref name="handover"/>).</summary>
    public byte[]? Add(Pipe pipe, ReadOnlySpan<byte> announced, bool handover = false)
    {
        byte[] identity;
        if (announced.IsEmpty)
        {
            identity = new byte[5];
            do
            {
                _next++;
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(identity.AsSpan(1), _next);
            }
            while (_pipes.ContainsKey(identity));
        }
        else
        {
            identity = announced.ToArray();
            if (_pipes.TryGetValue(identity, out var holder))
            {
                if (!handover)
                {
                    return null;
                }
                _identities.Remove(holder);
            }
        }
        _pipes[identity] = pipe;
        _identities[pipe] = identity;
        return identity;
    }

    public void Remove(Pipe pipe)
    {
        if (_identities.Remove(pipe, out var identity) && _pipes.TryGetValue(identity, out var p) && p == pipe)
        {
            _pipes.Remove(identity);
        }
    }

    public bool TryGet(ReadOnlySpan<byte> identity, out Pipe pipe) =>
        _pipes.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(identity, out pipe!);

    public byte[]? IdentityOf(Pipe pipe) => _identities.GetValueOrDefault(pipe);
}
