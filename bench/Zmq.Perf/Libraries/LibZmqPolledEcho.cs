using static Zmq.Perf.Libraries.LibZmqNative;

namespace Zmq.Perf.Libraries;

/// <summary>The poller rows on libzmq: zmq_poll over the PAIRs (zmq_poller is draft API, absent
/// from Debian's build).</summary>
internal sealed class LibZmqPolledEcho : PolledEcho
{
    private readonly LibZmqBenchSocket[] _pairs;
    private readonly PollItem[] _items;

    public LibZmqPolledEcho(int count)
        : base(count)
    {
        // Room for these and the connect side's PAIR in the process's one context.
        _ = LibZmqBenchSocket.Context(count + 1);
        _pairs = [.. Enumerable.Range(0, count).Select(_ => new LibZmqBenchSocket(Pattern.PolledPair, bindSide: true))];
        _items = [.. _pairs.Select(p => new PollItem { Socket = p.Handle, Events = PollIn })];
    }

    protected override void BindOne(int index, string endpoint) => _pairs[index].Bind(endpoint);

    protected override bool TakeReady(int index)
    {
        bool ready = (_items[index].Revents & PollIn) != 0;
        _items[index].Revents = 0;
        return ready;
    }

    protected override int EchoOne(int index) => _pairs[index].Echo();

    protected override bool Poll(long timeoutMs)
    {
        int rc = zmq_poll(_items, _items.Length, timeoutMs);
        Check(rc, "zmq_poll");
        return rc > 0;
    }

    public override void Dispose()
    {
        foreach (var pair in _pairs)
        {
            pair.Dispose();
        }
    }
}
