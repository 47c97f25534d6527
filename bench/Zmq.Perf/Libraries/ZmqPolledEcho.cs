namespace Zmq.Perf.Libraries;

/// <summary>The bind side of the poller rows on this library: PAIRs bound one per endpoint, all in
/// one <see cref="ZmqPoller"/>; each echo waits on the poller and answers whichever is readable.</summary>
internal sealed class ZmqPolledEcho(int count) : IBenchSocket
{
    private readonly ZmqBenchSocket[] _pairs = [.. Enumerable.Range(0, count).Select(_ => new ZmqBenchSocket(Pattern.PolledPair, bindSide: true, size: 64))];
    private readonly ZmqPoller _poller = new();
    private readonly PollResult[] _ready = new PollResult[16];
    private readonly Dictionary<ZmqSocket, ZmqBenchSocket> _bySocket = [];
    private int _next;
    private int _found;

    public string Bind(string endpoint)
    {
        foreach (var (pair, i) in _pairs.Select((p, i) => (p, i)))
        {
            pair.Bind($"{endpoint}-{i}");
            _poller.Add(pair.Socket, PollEvents.Readable);
            _bySocket[pair.Socket] = pair;
        }
        // The last one added is the one that talks: a poller that scans finds it last.
        return _pairs[^1].Socket.LastEndpoint!;
    }

    public int Echo()
    {
        while (_next == _found)
        {
            _found = _poller.Wait(_ready, BenchSocketDefaults.Stall);
            _next = 0;
            if (_found == 0)
            {
                throw new TimeoutException($"no PAIR was readable within {BenchSocketDefaults.Stall.TotalSeconds} s");
            }
        }
        return _bySocket[_ready[_next++].Socket].Echo();
    }

    public void Connect(string endpoint) => throw new NotSupportedException("the polled side binds");

    public void Send(int length) => throw new NotSupportedException("the polled side only echoes");

    public int Receive() => throw new NotSupportedException("the polled side only echoes");

    public void Dispose()
    {
        _poller.Dispose();
        foreach (var pair in _pairs)
        {
            pair.Dispose();
        }
    }
}
