using Zmq.Engine;
using Zmq.Routing;

namespace Zmq;

// What the types that send by routing id (SERVER, PEER) tell about their peers and do to them,
// written once: each type's public members are one line over these.
public abstract partial class ZmqSocket
{
    private protected bool DisconnectPeer(RoutingTable routes, uint routingId)
    {
        ThrowIfDisposed();
        Pipe? pipe;
        using (SendLock.Enter())
        {
            if (!routes.TryGet(routingId, out pipe) || pipe.Connection is null)
            {
                return false;
            }
            if (!pipe.IsConnectSide)
            {
                routes.Remove(pipe);
            }
        }
        pipe.Connection?.Abort();
        return true;
    }

    private protected PeerInfo? PeerOf(RoutingTable routes, uint routingId)
    {
        using (SendLock.Enter())
        {
            return routes.TryGet(routingId, out var pipe) && pipe.Connection is { } c
                ? new PeerInfo(routingId, pipe.Endpoint, c.PeerAddress, c.PeerSocketType)
                : null;
        }
    }

    private protected int CountPeers(RoutingTable routes)
    {
        using (SendLock.Enter())
        {
            return routes.Count;
        }
    }

    private protected IReadOnlyList<uint> PeerIds(RoutingTable routes)
    {
        using (SendLock.Enter())
        {
            return [.. routes.Ids];
        }
    }
}
