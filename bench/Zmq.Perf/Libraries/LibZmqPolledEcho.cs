using static Zmq.Perf.Libraries.LibZmqNative;

namespace Zmq.Perf.Libraries;

/// <summary>The bind side of the poller rows on libzmq: PAIRs bound one per endpoint, waited on
/// together with zmq_poll (zmq_poller is draft API, absent from Debian's build); each echo answers
/// the next readable one.</summary>
internal sealed class LibZmqPolledEcho : IBenchSocket
{
    private readonly LibZmqBenchSocket[] _pairs;
    private readonly PollItem[] _items;
    private int _next;

    public LibZmqPolledEcho(int count)
    {
        // Room for these and the connect side's PAIR in the process's one context.
        _ = LibZmqBenchSocket.Context(count + 1);
        _pairs = [.. Enumerable.Range(0, count).Select(_ => new LibZmqBenchSocket(Pattern.PolledPair, bindSide: true))];
        _items = [.. _pairs.Select(p => new PollItem { Socket = p.Handle, Events = PollIn })];
        _next = count;
    }

    public string Bind(string endpoint)
    {
        for (int i = 0; i < _pairs.Length; i++)
        {
            _pairs[i].Bind($"{endpoint}-{i}");
        }
        // The last item is the one that talks: zmq_poll scans all of them every call anyway.
        return $"{endpoint}-{_pairs.Length - 1}";
    }

    public int Echo()
    {
        while (true)
        {
            for (; _next < _items.Length; _next++)
            {
                if ((_items[_next].Revents & PollIn) != 0)
                {
                    _items[_next].Revents = 0;
                    return _pairs[_next++].Echo();
                }
            }
            int rc = zmq_poll(_items, _items.Length, (long)BenchSocketDefaults.Stall.TotalMilliseconds);
            if (rc == 0)
            {
                throw new TimeoutException($"no PAIR was readable within {BenchSocketDefaults.Stall.TotalSeconds} s");
            }
            Check(rc, "zmq_poll");
            _next = 0;
        }
    }

    public void Connect(string endpoint) => throw new NotSupportedException("the polled side binds");

    public void Send(int length) => throw new NotSupportedException("the polled side only echoes");

    public int Receive() => throw new NotSupportedException("the polled side only echoes");

    public void Dispose()
    {
        foreach (var pair in _pairs)
        {
            pair.Dispose();
        }
    }
}
