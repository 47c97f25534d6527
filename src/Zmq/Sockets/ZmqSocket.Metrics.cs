using System.Runtime.InteropServices;
using Zmq.Diagnostics;
using Zmq.Engine;

namespace Zmq;

// The socket's side of the metrics (Diagnostics/ZmqMetrics.cs): the counts live in its pipes' queues
// and connections; a pipe that leaves hands its counts to the socket, under the endpoint lock that
// collection also holds, so a count is never seen twice or lost while a pipe goes.
public abstract partial class ZmqSocket
{
    /// <summary>The counts of pipes gone, per endpoint. Guarded by the endpoint lock.</summary>
    private readonly Dictionary<string, EndpointTotals> _retiredCounts = new(StringComparer.Ordinal);

    /// <summary>Under the endpoint lock: a pipe leaving the socket leaves its counts behind.</summary>
    private void RetireCounts(Pipe pipe) =>
        pipe.AddTotals(ref CollectionsMarshal.GetValueRefOrAddDefault(_retiredCounts, pipe.Endpoint, out _), live: false);

    /// <summary>Adds this socket's counts, per endpoint, to <paramref name="into"/>.</summary>
    internal void AddMetrics(Dictionary<(string Type, string Endpoint), EndpointTotals> into, bool live = true)
    {
        lock (_endpointLock)
        {
            foreach (var (endpoint, counts) in _retiredCounts)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(into, (SocketType, endpoint), out _).Add(counts);
            }
            foreach (var pipe in _pipes)
            {
                pipe.AddTotals(ref CollectionsMarshal.GetValueRefOrAddDefault(into, (SocketType, pipe.Endpoint), out _), live);
            }
        }
    }
}
