using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq.Tests.Routing;

/// <summary>The routing strategies alone, without sockets or I/O.</summary>
public sealed class RoutingTests
{
    private static Pipe NewPipe(int sendHwm = 1000, int receiveHwm = 1000) => new(sendHwm, receiveHwm, "test", connectSide: false);

    private static Msg Text(string s) => Msg.Wrap(System.Text.Encoding.UTF8.GetBytes(s));

    private static string Read(in Msg m) => System.Text.Encoding.UTF8.GetString(m.Span);

    private static bool Send(LoadBalancer lb, ref Msg m)
    {
        var frame = new Outgoing(ref m, 0);
        return lb.TrySend(ref frame, out _);
    }

    [Fact]
    public void FairQueue_TakesOneMessageFromEachPipeInTurn()
    {
        var fq = new FairQueue();
        var a = NewPipe();
        var b = NewPipe();
        foreach (var s in new[] { "a1", "a2", "a3" })
        {
            a.Inbound.Enqueue(Text(s));
        }
        foreach (var s in new[] { "b1", "b2" })
        {
            b.Inbound.Enqueue(Text(s));
        }
        fq.Activate(a);
        fq.Activate(b);
        var order = new List<string>();
        while (fq.TryDequeue(out var m, out _))
        {
            order.Add(Read(m));
        }
        Assert.Equal(["a1", "b1", "a2", "b2", "a3"], order);
    }

    [Fact]
    public void FairQueue_ReportsWhichPipeAMessageCameFrom()
    {
        var fq = new FairQueue();
        var a = NewPipe();
        a.Inbound.Enqueue(Text("x"));
        fq.Activate(a);
        Assert.True(fq.TryDequeue(out _, out var from));
        Assert.Same(a, from);
        Assert.False(fq.TryDequeue(out _, out _));
    }

    [Fact]
    public void FairQueue_PicksUpAPipeThatWasFoundEmptyOnceItIsActivatedAgain()
    {
        var fq = new FairQueue();
        var a = NewPipe();
        fq.Activate(a);
        Assert.False(fq.TryDequeue(out _, out _));
        Assert.False(a.InFairQueue);
        a.Inbound.Enqueue(Text("later"));
        fq.Activate(a);
        Assert.True(fq.TryDequeue(out var m, out _));
        Assert.Equal("later", Read(m));
    }

    [Fact]
    public void FairQueue_ActivatingTwiceListsAPipeOnce()
    {
        var fq = new FairQueue();
        var a = NewPipe();
        a.Inbound.Enqueue(Text("only"));
        fq.Activate(a);
        fq.Activate(a);
        Assert.True(fq.TryDequeue(out _, out _));
        Assert.False(fq.TryDequeue(out _, out _));
    }

    [Fact]
    public void LoadBalancer_SendsRoundRobinAndSkipsFullPipes()
    {
        var lb = new LoadBalancer();
        var a = NewPipe(sendHwm: 1);
        var b = NewPipe(sendHwm: 10);
        lb.Add(a);
        lb.Add(b);
        for (int i = 0; i < 4; i++)
        {
            var m = Text($"{i}");
            Assert.True(Send(lb, ref m));
        }
        Assert.Equal(1, a.Outbound.Count);
        Assert.Equal(3, b.Outbound.Count);
    }

    [Fact]
    public void LoadBalancer_RefusesWhenEveryPipeIsFullOrThereIsNone()
    {
        var lb = new LoadBalancer();
        var m = Text("x");
        Assert.False(Send(lb, ref m));
        var a = NewPipe(sendHwm: 1);
        lb.Add(a);
        Assert.True(Send(lb, ref m));
        var n = Text("y");
        Assert.False(Send(lb, ref n));
        lb.Remove(a);
        Assert.Equal(0, lb.Count);
    }

    [Fact]
    public void RoutingTable_GivesDistinctNonZeroIdsAndForgetsRemovedPipes()
    {
        var table = new RoutingTable();
        var pipes = Enumerable.Range(0, 100).Select(_ => NewPipe()).ToList();
        foreach (var p in pipes)
        {
            p.RoutingId = table.Add(p);
        }
        Assert.DoesNotContain(0u, pipes.Select(p => p.RoutingId));
        Assert.Equal(100, pipes.Select(p => p.RoutingId).Distinct().Count());
        Assert.True(table.TryGet(pipes[5].RoutingId, out var found));
        Assert.Same(pipes[5], found);
        table.Remove(pipes[5]);
        Assert.False(table.TryGet(pipes[5].RoutingId, out _));
        Assert.Equal(99, table.Count);
    }
}
