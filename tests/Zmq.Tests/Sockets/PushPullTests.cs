using System.Globalization;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>PUSH/PULL (RFC 30, libzmq test_spec_pushpull) over every transport: round-robin out,
/// blocking at the high-water mark without dropping, queueing before a peer exists, and whole
/// multipart messages.</summary>
public abstract class PushPullTests : TransportTestBase
{
    protected static PushSocket NewPush() => new() { SendTimeout = Timeout, Linger = TimeSpan.FromSeconds(5) };

    protected static PullSocket NewPull() => new() { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    private PullSocket BoundPull()
    {
        var pull = NewPull();
        pull.Bind(AnyEndpoint);
        return pull;
    }

    private static List<int> ReceiveNumbers(PullSocket pull, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => int.Parse(pull.ReceiveString(), CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Push_SendsRoundRobinToItsPulls()
    {
        await using var p1 = BoundPull();
        await using var p2 = BoundPull();
        await using var p3 = BoundPull();
        await using var push = NewPush();
        push.Connect(p1.LastEndpoint!);
        push.Connect(p2.LastEndpoint!);
        push.Connect(p3.LastEndpoint!);

        for (int i = 0; i < 9; i++)
        {
            push.Send(i.ToString(CultureInfo.InvariantCulture));
        }

        Assert.Equal([0, 3, 6], ReceiveNumbers(p1, 3));
        Assert.Equal([1, 4, 7], ReceiveNumbers(p2, 3));
        Assert.Equal([2, 5, 8], ReceiveNumbers(p3, 3));
    }

    [Fact]
    public async Task Pull_ReceivesFromEveryPush_EachInTheOrderItSent()
    {
        await using var pull = BoundPull();
        await using var a = NewPush();
        await using var b = NewPush();
        a.Connect(pull.LastEndpoint!);
        b.Connect(pull.LastEndpoint!);
        for (int i = 0; i < 50; i++)
        {
            a.Send($"a{i}");
            b.Send($"b{i}");
        }

        var got = Enumerable.Range(0, 100).Select(_ => pull.ReceiveString()).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"a{i}"), got.Where(m => m[0] == 'a'));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"b{i}"), got.Where(m => m[0] == 'b'));
    }

    [Fact]
    public async Task Push_WithNoPeer_BlocksOnSend_AndTrySendIsFalse()
    {
        await using var push = new PushSocket { SendTimeout = TimeSpan.FromMilliseconds(50), Linger = TimeSpan.Zero };
        push.Bind(AnyEndpoint);

        Assert.False(push.TrySend("nobody"u8));
        Assert.Throws<TimeoutException>(() => push.Send("nobody"u8));
    }

    [Fact]
    public async Task Push_AtTheHighWaterMark_Waits_AndNeverDrops()
    {
        await using var pull = new PullSocket { ReceiveHighWatermark = 5, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        pull.Bind(AnyEndpoint);
        await using var push = new PushSocket { SendHighWatermark = 5, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        push.Connect(pull.LastEndpoint!);

        // Fill both queues (and whatever the connection holds): the loop ends where a send would wait.
        int sent = 0;
        await Wait.UntilAsync(() =>
        {
            while (push.TrySend(sent.ToString(CultureInfo.InvariantCulture)))
            {
                sent++;
            }
            return sent >= 10;
        }, "the PUSH fills the queues on both sides");

        var sending = Task.Run(() => push.Send("after the wait"));
        Assert.Equal(Enumerable.Range(0, sent), ReceiveNumbers(pull, sent));
        await sending.WaitAsync(Timeout);
        Assert.Equal("after the wait", pull.ReceiveString());
    }

    [Fact]
    public async Task Push_QueuesMessagesBeforeItsPullExists_AndDeliversThemWhenItDoes()
    {
        string endpoint = FreshEndpoint();
        await using var push = NewPush();
        push.Connect(endpoint);
        push.Send("early 1");
        push.Send("early 2");

        await using var pull = NewPull();
        pull.Bind(endpoint);
        Assert.Equal("early 1", pull.ReceiveString());
        Assert.Equal("early 2", pull.ReceiveString());
    }

    [Fact]
    public async Task MultipartMessages_ArriveWhole_FrameByFrameAndAsOne()
    {
        await using var pull = BoundPull();
        await using var push = NewPush();
        push.Connect(pull.LastEndpoint!);

        using var whole = new MultipartMessage("a", "", "c");
        push.SendMultipart(whole);
        push.Send("x", more: true);
        push.Send("y", more: false);

        using var got = pull.ReceiveMultipart();
        Assert.Equal(["a", "", "c"], got.Select(f => f.ToString()));
        var x = pull.Receive();
        Assert.True(x.More);
        Assert.Equal("x", x.ToString());
        var y = pull.Receive();
        Assert.False(y.More);
        Assert.Equal("y", y.ToString());
    }

    [Fact]
    public async Task Push_SendsEachMultipartMessageWholeToOnePull()
    {
        await using var p1 = BoundPull();
        await using var p2 = BoundPull();
        await using var push = NewPush();
        push.Connect(p1.LastEndpoint!);
        push.Connect(p2.LastEndpoint!);

        for (int i = 0; i < 4; i++)
        {
            using var m = new MultipartMessage($"{i}", "second", "third");
            push.SendMultipart(m);
        }

        foreach (var (pull, first) in new[] { (p1, 0), (p2, 1), (p1, 2), (p2, 3) })
        {
            using var m = pull.ReceiveMultipart();
            Assert.Equal([$"{first}", "second", "third"], m.Select(f => f.ToString()));
        }
    }

    [Fact]
    public async Task Push_RefusesAPeerOfAnIncompatibleType()
    {
        await using var wrong = NewPush();
        wrong.Bind(AnyEndpoint);
        await using var push = NewPush();
        var events = push.Monitor();
        push.Connect(wrong.LastEndpoint!);
        var failed = await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("incompatible", failed.Reason ?? "", StringComparison.Ordinal);
        Assert.Contains("PUSH", failed.Reason ?? "", StringComparison.Ordinal);
    }
}

/// <summary>The rules that need a connection that can die (tcp and ipc).</summary>
public abstract class StreamPushPullTests : PushPullTests
{
    [Fact]
    public async Task AMessageCutShortByALostConnection_IsNeverDelivered_NorJoinedToTheNextOne()
    {
        // The PULL connects, so its pipe outlives the connection and takes the next one's messages.
        using var listener = RawListener.Listen(AnyEndpoint);
        await using var pull = new PullSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, ReconnectInterval = TimeSpan.FromMilliseconds(20) };
        pull.Connect(listener.Endpoint);
        await using (var peer = await listener.AcceptAsync(Timeout))
        {
            await peer.HandshakeAsync("PUSH");
            await peer.SendAsync(RawPeer.MessageFrame("whole"));
            // The first two frames of three, then the connection goes.
            await peer.SendAsync(RawPeer.MessageFrame("part 1", more: true), RawPeer.MessageFrame("part 2", more: true));
        }
        Assert.Equal("whole", pull.ReceiveString());

        await using var again = await listener.AcceptAsync(Timeout);
        await again.HandshakeAsync("PUSH");
        await again.SendAsync(RawPeer.MessageFrame("next"));
        var next = pull.Receive();
        Assert.Equal("next", next.ToString());
        Assert.False(next.More);
    }
}

public sealed class PushPullOverTcp : StreamPushPullTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class PushPullOverIpc : StreamPushPullTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class PushPullOverInproc : PushPullTests
{
    protected override string AnyEndpoint => $"inproc://push-pull-{Guid.NewGuid():N}";
}
