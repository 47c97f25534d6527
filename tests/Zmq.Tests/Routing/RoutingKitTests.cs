using System.Text;
using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq.Tests.Routing;

/// <summary>The routing kit's multipart rules and fan-out sharing, each piece alone: no sockets, no I/O.</summary>
public sealed class RoutingKitTests
{
    private static Pipe NewPipe(int sendHwm = 1000) => new(sendHwm, 1000, "test", connectSide: false);

    private static Msg Frame(string s, bool more = false) => Msg.Wrap(Encoding.UTF8.GetBytes(s), more);

    internal static List<string> Drain(MsgQueue queue)
    {
        var frames = new List<string>();
        while (queue.TryDequeue(out var m))
        {
            frames.Add(Encoding.UTF8.GetString(m.Span) + (m.More ? "+" : ""));
            m.Release();
        }
        return frames;
    }

    private static bool Send(LoadBalancer lb, string text, bool more = false)
    {
        var m = Frame(text, more);
        var frame = new Outgoing(ref m, 0);
        return lb.TrySend(ref frame, out _);
    }

    [Fact]
    public void LoadBalancer_SendsAMultipartMessageWholeToOnePipe_ThenTurnsToTheNext()
    {
        var lb = new LoadBalancer();
        var a = NewPipe();
        var b = NewPipe();
        lb.Add(a);
        lb.Add(b);
        Assert.True(Send(lb, "1", more: true));
        Assert.True(Send(lb, "2", more: true));
        Assert.True(Send(lb, "3"));
        Assert.True(Send(lb, "4"));
        Assert.Equal(["1+", "2+", "3"], Drain(a.Outbound));
        Assert.Equal(["4"], Drain(b.Outbound));
    }

    [Fact]
    public void LoadBalancer_ChecksRoomAtTheFirstFrameOnly_SoAMessageIsNeverCutByItsHwm()
    {
        var lb = new LoadBalancer();
        var a = NewPipe(sendHwm: 1);
        lb.Add(a);
        Assert.True(Send(lb, "1", more: true));
        Assert.True(Send(lb, "2", more: true));
        Assert.True(Send(lb, "3"));
        Assert.False(Send(lb, "next"));
        Assert.Equal(["1+", "2+", "3"], Drain(a.Outbound));
    }

    [Fact]
    public void LoadBalancer_DropsTheRestOfAMessageWhosePipeWentAway_AndTakesBackItsStagedFrames()
    {
        var lb = new LoadBalancer();
        var a = NewPipe();
        var b = NewPipe();
        lb.Add(a);
        lb.Add(b);
        Assert.True(Send(lb, "a1", more: true));
        lb.Remove(a);
        Assert.True(Send(lb, "a2"));
        Assert.True(Send(lb, "b1"));
        Assert.Empty(Drain(a.Outbound));
        Assert.Equal(["b1"], Drain(b.Outbound));
    }

    [Fact]
    public void LoadBalancer_ReportsTheFullPipeInTurn_ForTheSenderToFlush()
    {
        var lb = new LoadBalancer();
        var a = NewPipe(sendHwm: 1);
        lb.Add(a);
        Assert.True(Send(lb, "x"));
        var m = Frame("y");
        var frame = new Outgoing(ref m, 0);
        Assert.False(lb.TrySend(ref frame, out var blocked));
        Assert.Same(a, blocked);
        Assert.False(lb.HasRoom);
    }

    [Fact]
    public void FairQueue_TakesAMultipartMessageWholeBeforeTheTurnPasses()
    {
        var fq = new FairQueue();
        var a = NewPipe();
        var b = NewPipe();
        a.Inbound.Enqueue(Frame("a1", more: true));
        a.Inbound.Enqueue(Frame("a2", more: true));
        a.Inbound.Enqueue(Frame("a3"));
        a.Inbound.Enqueue(Frame("a4"));
        b.Inbound.Enqueue(Frame("b1"));
        fq.Activate(a);
        fq.Activate(b);
        var order = new List<string>();
        while (fq.TryDequeue(out var m, out _))
        {
            order.Add(Encoding.UTF8.GetString(m.Span));
            Assert.Equal(m.More, fq.InMessage);
        }
        Assert.Equal(["a1", "a2", "a3", "b1", "a4"], order);
    }

    [Fact]
    public void FairQueue_DropsWholeEveryMessageItsFilterRefuses()
    {
        var fq = new FairQueue();
        var a = NewPipe();
        a.Inbound.Enqueue(Frame("B", more: true));
        a.Inbound.Enqueue(Frame("A-inside-a-B-message"));
        a.Inbound.Enqueue(Frame("A", more: true));
        a.Inbound.Enqueue(Frame("body"));
        fq.Activate(a);
        var taken = new List<string>();
        while (fq.TryDequeue(out var m, out _, accepts: static first => first.StartsWith("A"u8)))
        {
            taken.Add(Encoding.UTF8.GetString(m.Span));
        }
        Assert.Equal(["A", "body"], taken);
    }

    [Fact]
    public void FairQueue_LeavesAFrameLongerThanTheBufferQueued()
    {
        var fq = new FairQueue();
        var a = NewPipe();
        a.Inbound.Enqueue(Frame("twelve bytes"));
        fq.Activate(a);
        var e = Assert.Throws<BufferTooSmallException>(() => fq.Next(maxLength: 4));
        Assert.Equal(12, e.MessageLength);
        Assert.True(fq.TryDequeue(out var m, out _, maxLength: 12));
        Assert.Equal("twelve bytes", Encoding.UTF8.GetString(m.Span));
    }

    [Fact]
    public void Distributor_SharesOnePayloadAmongItsPipes_CountedAndReturnedByTheLastHolder()
    {
        var dist = new Distributor();
        var pipes = Enumerable.Range(0, 3).Select(_ => NewPipe()).ToList();
        foreach (var p in pipes)
        {
            dist.AddIfRoom(p);
        }
        var msg = Msg.CopyOf(new byte[1024]);
        var frame = new Outgoing(ref msg, 0);
        dist.Send(ref frame);
        var held = pipes.Select(p => { p.Outbound.TryDequeue(out var m); return m; }).ToList();
        var array = held[0].Buffer!;
        Assert.All(held, m => Assert.Same(array, m.Buffer));
        Assert.All(held, m => Assert.True(m.Shared));
        Assert.Equal(3, BitConverter.ToInt32(array, array.Length - 4));
        for (int i = 0; i < 2; i++)
        {
            var m = held[i];
            m.Release();
        }
        Assert.Equal(1, BitConverter.ToInt32(array, array.Length - 4));
    }

    [Fact]
    public void Distributor_AnArrayThePoolDoesNotOwn_IsSharedInTheQueues_ButEachReceiverGetsItsOwn()
    {
        var dist = new Distributor();
        var a = NewPipe();
        var b = NewPipe();
        dist.AddIfRoom(a);
        dist.AddIfRoom(b);
        var body = new byte[100];
        var msg = Msg.Wrap(body);
        var frame = new Outgoing(ref msg, 0);
        dist.Send(ref frame);
        a.Outbound.TryDequeue(out var fromA);
        b.Outbound.TryDequeue(out var fromB);
        Assert.Same(body, fromA.Buffer);
        Assert.Same(body, fromB.Buffer);
        var first = Message.FromReceived(fromA, null);
        var second = Message.FromReceived(fromB, null);
        Assert.NotSame(first.Buffer, second.Buffer);
        Assert.NotSame(body, first.Buffer);
        Assert.Equal(100, second.Length);
    }

    [Fact]
    public void Distributor_CopiesAnInlinePayloadIntoEachSlot()
    {
        var dist = new Distributor();
        var a = NewPipe();
        var b = NewPipe();
        dist.AddIfRoom(a);
        dist.AddIfRoom(b);
        var frame = new Outgoing("tick"u8, more: false, 0);
        dist.Send(ref frame);
        Assert.Equal(["tick"], Drain(a.Outbound));
        Assert.Equal(["tick"], Drain(b.Outbound));
    }

    [Fact]
    public void Distributor_APipeAtItsHwmMissesTheWholeMessage_AndARemovedPipeLosesItsPart()
    {
        var dist = new Distributor();
        var full = NewPipe(sendHwm: 1);
        full.Outbound.Enqueue(Frame("queued"));
        var leaving = NewPipe();
        var staying = NewPipe();
        dist.AddIfRoom(full);
        dist.AddIfRoom(leaving);
        dist.AddIfRoom(staying);
        Assert.Equal(2, dist.Count);
        var first = new Outgoing("topic"u8, more: true, 0);
        dist.Send(ref first);
        Assert.True(dist.InMessage);
        dist.Remove(leaving);
        var last = new Outgoing("body"u8, more: false, 0);
        dist.Send(ref last);
        Assert.False(dist.InMessage);
        Assert.Equal(["queued"], Drain(full.Outbound));
        Assert.Empty(Drain(leaving.Outbound));
        Assert.Equal(["topic+", "body"], Drain(staying.Outbound));
    }

    [Fact]
    public void RoutingTable_SendsByIdReportsAFullPeerAndRefusesAnUnknownId()
    {
        var table = new RoutingTable();
        var a = NewPipe(sendHwm: 1);
        a.RoutingId = table.Add(a);
        var first = new Outgoing("x"u8, more: false, a.RoutingId);
        Assert.True(table.TrySend(ref first, out _));
        var second = new Outgoing("y"u8, more: false, a.RoutingId);
        Assert.False(table.TrySend(ref second, out var blocked));
        Assert.Same(a, blocked);
        Assert.Throws<HostUnreachableException>(() =>
        {
            var unknown = new Outgoing("z"u8, more: false, a.RoutingId + 1);
            table.TrySend(ref unknown, out _);
        });
    }
}

/// <summary>The kit's tables for the types to come: ROUTER's identities and RADIO's groups.</summary>
public sealed class RoutingTablesTests
{
    private static Pipe NewPipe() => new(1000, 1000, "test", connectSide: false);

    [Fact]
    public void IdentityTable_GeneratesFiveByteIdsStartingWithZero_AndFindsPeersBySpan()
    {
        var table = new IdentityTable();
        var a = NewPipe();
        var b = NewPipe();
        var idA = table.Add(a, default)!;
        var idB = table.Add(b, default)!;
        Assert.Equal(5, idA.Length);
        Assert.Equal(0, idA[0]);
        Assert.NotEqual(idA, idB);
        Assert.True(table.TryGet(idB.AsSpan(), out var found));
        Assert.Same(b, found);
        table.Remove(b);
        Assert.False(table.TryGet(idB, out _));
        Assert.Equal(1, table.Count);
    }

    [Fact]
    public void IdentityTable_KeepsTheFirstPeerOfAnAnnouncedId_UnlessHandoverIsOn()
    {
        var table = new IdentityTable();
        var first = NewPipe();
        var second = NewPipe();
        Assert.NotNull(table.Add(first, "worker"u8));
        Assert.Null(table.Add(second, "worker"u8));
        Assert.NotNull(table.Add(second, "worker"u8, handover: true));
        Assert.True(table.TryGet("worker"u8, out var holder));
        Assert.Same(second, holder);
        Assert.Null(table.IdentityOf(first));
        table.Remove(first);
        Assert.True(table.TryGet("worker"u8, out _));
    }

    [Fact]
    public void GroupTable_MatchesGroupsExactly_CountsAJoinOnce_AndForgetsALeavingPipe()
    {
        var groups = new GroupTable();
        var a = NewPipe();
        var b = NewPipe();
        Assert.True(groups.Join("weather"u8, a));
        Assert.False(groups.Join("weather"u8, a));
        Assert.True(groups.Join("weather"u8, b));
        Assert.True(groups.Join("news"u8, b));
        Assert.Equal(2, groups.Members("weather"u8).Count);
        Assert.Empty(groups.Members("weathe"u8));
        Assert.Empty(groups.Members("weather2"u8));
        Assert.True(groups.Leave("weather"u8, a));
        Assert.False(groups.Leave("weather"u8, a));
        groups.RemoveAll(b);
        Assert.Empty(groups.Members("weather"u8));
        Assert.Empty(groups.Members("news"u8));
        Assert.Empty(groups.Members(new byte[300]));
    }

    [Fact]
    public void GroupTable_AnswersEachLookupAsOfTheLastChange_ThoughItKeepsTheLastGroupsMembers()
    {
        var groups = new GroupTable();
        var a = NewPipe();
        var b = NewPipe();
        Assert.Empty(groups.Members("weather"u8));
        groups.Join("weather"u8, a);
        Assert.Equal([a], groups.Members("weather"u8));
        Assert.Equal([a], groups.Members("weather"u8));
        groups.Leave("weather"u8, a);
        Assert.Empty(groups.Members("weather"u8));
        groups.Join("weather"u8, b);
        Assert.Equal([b], groups.Members("weather"u8));
        Assert.Empty(groups.Members("weathe"u8));
        groups.RemoveAll(b);
        Assert.Empty(groups.Members("weather"u8));
    }

    [Fact]
    public void SubscriberTable_AppliesSubscriptionMessagesInOrder_AndIgnoresPipesItNoLongerRoutesTo()
    {
        var table = new SubscriberTable();
        var a = NewPipe();
        var gone = NewPipe();
        table.Add(a);
        a.Inbound.Enqueue(Msg.Wrap([1, .. "news"u8]));
        a.Inbound.Enqueue(Msg.Wrap([1, .. "weather"u8]));
        a.Inbound.Enqueue(Msg.Wrap([0, .. "news"u8]));
        a.Inbound.Enqueue(Msg.Wrap("not a subscription"u8.ToArray()));
        table.ReadFrom(a);
        Assert.False(a.Inbound.HasMessage);
        Assert.Empty(table.Match("news.today"u8));
        Assert.Contains(a, table.Match("weather.rain"u8));
        table.Apply(gone, subscribe: true, "weather"u8);
        Assert.DoesNotContain(gone, table.Match("weather.rain"u8));
        table.Forget(a);
        Assert.Empty(table.Match("weather.rain"u8));
    }

    [Fact]
    public void SubscriptionList_TellsANewPublisherEverything_AndEveryToldPublisherEachChange()
    {
        var list = new SubscriptionList();
        var early = NewPipe();
        list.Change("a"u8, subscribe: true);
        list.Change("a"u8, subscribe: true);
        list.TellAll(early);
        list.TellAll(early);
        Assert.Equal([@"\u0001a"], RoutingKitTests.Drain(early.Outbound).Select(Escape));
        list.Change("a"u8, subscribe: false);
        Assert.True(list.Matches("abc"u8));
        list.Change("a"u8, subscribe: false);
        Assert.False(list.Matches("abc"u8));
        Assert.Equal([@"\u0000a"], RoutingKitTests.Drain(early.Outbound).Select(Escape));
        list.Forget(early);
        list.Change("b"u8, subscribe: true);
        Assert.Empty(RoutingKitTests.Drain(early.Outbound));
    }

    [Fact]
    public void JoinedGroups_FilterExactly_NumberEachGroupOnce_AndTellRadiosAsCommands()
    {
        var groups = new JoinedGroups();
        var radio = NewPipe();
        groups.Join("weather");
        groups.TellAll(radio);
        groups.TellAll(radio);
        Assert.Equal([@"\u0004JOINweather"], DrainCommands(radio));
        Assert.True(groups.Accepts("weather"u8));
        Assert.False(groups.Accepts("weathe"u8));
        Assert.False(groups.Accepts(new byte[300]));
        uint id = groups.Id("weather"u8);
        Assert.Equal("weather", GroupNames.Name(id));

        groups.Leave("weather");
        Assert.False(groups.Accepts("weather"u8));
        Assert.Equal([@"\u0005LEAVEweather"], DrainCommands(radio));
        Assert.Throws<InvalidOperationException>(() => groups.Leave("weather"));
        groups.Join("weather");
        Assert.Equal(id, groups.Id("weather"u8));
        Assert.Throws<InvalidOperationException>(() => groups.Join("weather"));
        Assert.Throws<ArgumentException>(() => groups.Join(new string('x', 256)));
        Assert.Null(GroupNames.Name(0));
    }

    private static List<string> DrainCommands(Pipe pipe)
    {
        var bodies = new List<string>();
        while (pipe.Outbound.TryDequeue(out var msg))
        {
            Assert.True(msg.Command, "JOIN and LEAVE go as commands");
            bodies.Add(Escape(System.Text.Encoding.Latin1.GetString(msg.Span)));
            msg.Release();
        }
        return bodies;
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 32 ? $"\\u{(int)c:x4}" : c.ToString()));
}
