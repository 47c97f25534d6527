using System.Globalization;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>PAIR (RFC 31, libzmq test_spec_pair / test_pair_*) over every transport: one peer, both
/// ways, whole multipart messages, a second peer refused, blocking at the high-water mark.</summary>
public abstract class PairTests : TransportTestBase
{
    protected static PairSocket NewPair() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    private (PairSocket Bound, PairSocket Connected) ConnectedPair()
    {
        var bound = NewPair();
        bound.Bind(AnyEndpoint);
        var connected = NewPair();
        connected.Connect(bound.LastEndpoint!);
        return (bound, connected);
    }

    [Fact]
    public async Task Pair_TalksBothWays_InWholeMultipartMessages()
    {
        var (bound, connected) = ConnectedPair();
        await using var b = bound;
        await using var c = connected;

        c.Send("hello", more: true);
        c.Send("there");
        using (var got = b.ReceiveMultipart())
        {
            Assert.Equal(["hello", "there"], got.Select(f => f.ToString()));
        }
        using (var reply = new MultipartMessage("", "back"))
        {
            b.SendMultipart(reply);
        }
        using var back = c.ReceiveMultipart();
        Assert.Equal(["", "back"], back.Select(f => f.ToString()));
    }

    [Fact]
    public async Task Pair_RefusesASecondPeer_WhileTheFirstIsAttached()
    {
        var (bound, first) = ConnectedPair();
        await using var b = bound;
        await using var f = first;
        var events = bound.Monitor();
        first.Send("first");
        Assert.Equal("first", bound.ReceiveString());

        await using var second = NewPair();
        second.Connect(bound.LastEndpoint!);
        // Over inproc the refused PAIR has no pipe left, so the send may find no room: either way,
        // nothing of it may arrive.
        second.TrySend("second: never delivered");

        var refused = await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("one peer", refused.Reason ?? "", StringComparison.Ordinal);
        first.Send("first again");
        Assert.Equal("first again", bound.ReceiveString());
        Assert.False(bound.TryReceive(out var extra, TimeSpan.FromMilliseconds(100)), $"unexpected {extra}");
    }

    [Fact]
    public async Task Pair_SecondConnect_ThrowsAndSaysWhy()
    {
        await using var pair = NewPair();
        pair.Connect(FreshEndpoint());

        var e = Assert.Throws<InvalidOperationException>(() => pair.Connect(FreshEndpoint()));
        Assert.Contains("one peer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pair_AtTheHighWaterMark_Waits_AndNeverDrops()
    {
        await using var bound = new PairSocket { ReceiveHighWatermark = 4, SendHighWatermark = 4, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        bound.Bind(AnyEndpoint);
        await using var sender = new PairSocket { SendHighWatermark = 4, ReceiveHighWatermark = 4, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        sender.Connect(bound.LastEndpoint!);

        int sent = 0;
        await Wait.UntilAsync(() =>
        {
            while (sender.TrySend(sent.ToString(CultureInfo.InvariantCulture)))
            {
                sent++;
            }
            return sent >= 8;
        }, "the PAIR fills the queues on both sides");

        var sending = Task.Run(() => sender.Send("after the wait"));
        for (int i = 0; i < sent; i++)
        {
            Assert.Equal(i.ToString(CultureInfo.InvariantCulture), bound.ReceiveString());
        }
        await sending.WaitAsync(Timeout);
        Assert.Equal("after the wait", bound.ReceiveString());
    }

    [Fact]
    public async Task Pair_TakesANewPeer_OnceTheFirstHasGone()
    {
        var (bound, first) = ConnectedPair();
        await using var b = bound;
        first.Send("first");
        Assert.Equal("first", bound.ReceiveString());
        var events = bound.Monitor();
        await first.DisposeAsync();
        await events.NextAsync(SocketEventType.Disconnected);

        await using var next = NewPair();
        next.Connect(bound.LastEndpoint!);
        next.Send("next");
        Assert.Equal("next", bound.ReceiveString());
    }
}

public sealed class PairOverTcp : PairTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class PairOverIpc : PairTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class PairOverInproc : PairTests
{
    protected override string AnyEndpoint => $"inproc://pair-{Guid.NewGuid():N}";
}
