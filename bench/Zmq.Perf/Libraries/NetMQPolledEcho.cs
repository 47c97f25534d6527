using NetMQ;
using NetMQPollEvents = NetMQ.PollEvents;

namespace Zmq.Perf.Libraries;

/// <summary>The poller rows on NetMQ: its <see cref="NetMQSelector"/> (what its NetMQPoller runs on)
/// over the PAIRs.</summary>
internal sealed class NetMQPolledEcho : PolledEcho
{
    private readonly NetMQBenchSocket[] _pairs;
    private readonly NetMQSelector.Item[] _items;
    private readonly NetMQSelector _selector = new();

    public NetMQPolledEcho(int count)
        : base(count)
    {
        _pairs = [.. Enumerable.Range(0, count).Select(_ => NetMQBenchSocket.Create(Pattern.PolledPair, bindSide: true, pooled: false))];
        _items = [.. _pairs.Select(p => new NetMQSelector.Item(p.Socket, NetMQPollEvents.PollIn))];
    }

    protected override void BindOne(int index, string endpoint) => _pairs[index].Bind(endpoint);

    // The selector sets ResultEvent afresh at each select.
    protected override bool TakeReady(int index) => (_items[index].ResultEvent & NetMQPollEvents.PollIn) != 0;

    protected override int EchoOne(int index) => _pairs[index].Echo();

    protected override bool Poll(long timeoutMs) => _selector.Select(_items, _items.Length, timeoutMs);

    public override void Dispose()
    {
        foreach (var pair in _pairs)
        {
            pair.Dispose();
        }
    }
}
