using NetMQ;
using NetMQPollEvents = NetMQ.PollEvents;

namespace Zmq.Perf.Libraries;

/// <summary>The bind side of the poller rows on NetMQ: PAIRs bound one per endpoint, waited on
/// together with its <see cref="NetMQSelector"/> (what its NetMQPoller runs on); each echo answers
/// the next readable one.</summary>
internal sealed class NetMQPolledEcho : IBenchSocket
{
    private readonly NetMQBenchSocket[] _pairs;
    private readonly NetMQSelector.Item[] _items;
    private readonly NetMQSelector _selector = new();
    private int _next;

    public NetMQPolledEcho(int count)
    {
        _pairs = [.. Enumerable.Range(0, count).Select(_ => NetMQBenchSocket.Create(Pattern.PolledPair, bindSide: true, pooled: false))];
        _items = [.. _pairs.Select(p => new NetMQSelector.Item(p.Socket, NetMQPollEvents.PollIn))];
        _next = count;
    }

    public string Bind(string endpoint)
    {
        for (int i = 0; i < _pairs.Length; i++)
        {
            _pairs[i].Bind($"{endpoint}-{i}");
        }
        return $"{endpoint}-{_pairs.Length - 1}";
    }

    public int Echo()
    {
        while (true)
        {
            for (; _next < _items.Length; _next++)
            {
                if ((_items[_next].ResultEvent & NetMQPollEvents.PollIn) != 0)
                {
                    return _pairs[_next++].Echo();
                }
            }
            if (!_selector.Select(_items, _items.Length, (long)BenchSocketDefaults.Stall.TotalMilliseconds))
            {
                throw new TimeoutException($"no PAIR was readable within {BenchSocketDefaults.Stall.TotalSeconds} s");
            }
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
