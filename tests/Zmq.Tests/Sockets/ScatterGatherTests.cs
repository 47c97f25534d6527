using System.Collections.Concurrent;
using System.Globalization;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>SCATTER/GATHER (RFC 49, libzmq test_scatter_gather) over every transport: round-robin
/// out, fair-queued in, blocking at the high-water mark without dropping, single frames only, and
/// many threads on one socket at once.</summary>
public abstract class ScatterGatherTests : TransportTestBase
{
    private static ScatterSocket NewScatter() => new() { SendTimeout = Timeout, Linger = TimeSpan.Zero };

    private static GatherSocket NewGather() => new() { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    private GatherSocket BoundGather()
    {
        var gather = NewGather();
        gather.Bind(AnyEndpoint);
        return gather;
    }

    private static List<int> ReceiveNumbers(GatherSocket gather, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => int.Parse(gather.ReceiveString(), CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Scatter_SendsRoundRobinToItsGathers()
    {
        await using var g1 = BoundGather();
        await using var g2 = BoundGather();
        await using var scatter = NewScatter();
        scatter.Connect(g1.LastEndpoint!);
        scatter.Connect(g2.LastEndpoint!);

        for (int i = 0; i < 6; i++)
        {
            scatter.Send(i.ToString(CultureInfo.InvariantCulture));
        }

        Assert.Equal([0, 2, 4], ReceiveNumbers(g1, 3));
        Assert.Equal([1, 3, 5], ReceiveNumbers(g2, 3));
    }

    [Fact]
    public async Task Gather_FairQueuesFromEveryScatter_EachInTheOrderItSent()
    {
        await using var gather = BoundGather();
        await using var a = NewScatter();
        await using var b = NewScatter();
        a.Connect(gather.LastEndpoint!);
        b.Connect(gather.LastEndpoint!);
        for (int i = 0; i < 20; i++)
        {
            a.Send($"a{i}");
            b.Send($"b{i}");
        }

        var got = Enumerable.Range(0, 40).Select(_ => gather.ReceiveString()).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"a{i}"), got.Where(m => m[0] == 'a'));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"b{i}"), got.Where(m => m[0] == 'b'));
    }

    [Fact]
    public async Task Scatter_AtTheHighWaterMark_Waits_AndNeverDrops()
    {
        await using var gather = new GatherSocket { ReceiveHighWatermark = 5, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        gather.Bind(AnyEndpoint);
        await using var scatter = new ScatterSocket { SendHighWatermark = 5, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        scatter.Connect(gather.LastEndpoint!);

        int sent = 0;
        await Wait.UntilAsync(() =>
        {
            while (scatter.TrySend(sent.ToString(CultureInfo.InvariantCulture)))
            {
                sent++;
            }
            return sent >= 10;
        }, "the SCATTER fills the queues on both sides");

        var sending = Task.Run(() => scatter.Send("after the wait"));
        Assert.Equal(Enumerable.Range(0, sent), ReceiveNumbers(gather, sent));
        await sending.WaitAsync(Timeout);
        Assert.Equal("after the wait", gather.ReceiveString());
    }

    [Fact]
    public async Task ScatterAndGather_CarrySingleFrames_AndRefuseMultipart()
    {
        await using var scatter = NewScatter();
        scatter.Connect(FreshEndpoint());

        Assert.True(scatter.IsThreadSafe);
        Assert.False(typeof(IMultipartSendingSocket).IsAssignableFrom(typeof(ScatterSocket)));
        Assert.False(typeof(IMultipartReceivingSocket).IsAssignableFrom(typeof(GatherSocket)));
        var e = Assert.Throws<NotSupportedException>(() => scatter.Core().SendFrame("part"u8, more: true, 0));
        Assert.Contains("single-frame", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyThreads_SendAndReceive_OnOneSocketEach_LosingNothing()
    {
        await using var gather = BoundGather();
        await using var scatter = NewScatter();
        scatter.Connect(gather.LastEndpoint!);
        const int Threads = 4, Each = 500;

        var received = new ConcurrentBag<string>();
        var receivers = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                received.Add(gather.ReceiveString());
            }
        })).ToArray();
        var senders = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                scatter.Send($"{t}:{i}");
            }
        })).ToArray();
        await Task.WhenAll(senders).WaitAsync(Timeout);
        await Task.WhenAll(receivers).WaitAsync(Timeout);

        var expected = Enumerable.Range(0, Threads).SelectMany(t => Enumerable.Range(0, Each).Select(i => $"{t}:{i}"));
        Assert.Equal(expected.Order(), received.Order());
    }
}

public sealed class ScatterGatherOverTcp : ScatterGatherTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class ScatterGatherOverIpc : ScatterGatherTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class ScatterGatherOverInproc : ScatterGatherTests
{
    protected override string AnyEndpoint => $"inproc://scatter-gather-{Guid.NewGuid():N}";
}
