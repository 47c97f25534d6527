using System.Globalization;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>CHANNEL (RFC 51) over every transport: PAIR's rules, thread-safe and single-frame: one
/// peer, both ways, a second peer refused, many threads on one socket at once.</summary>
public abstract class ChannelTests : TransportTestBase
{
    private static ChannelSocket NewChannel() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    private (ChannelSocket Bound, ChannelSocket Connected) ConnectedPair()
    {
        var bound = NewChannel();
        bound.Bind(AnyEndpoint);
        var connected = NewChannel();
        connected.Connect(bound.LastEndpoint!);
        return (bound, connected);
    }

    [Fact]
    public async Task Channel_TalksBothWays()
    {
        var (bound, connected) = ConnectedPair();
        await using var b = bound;
        await using var c = connected;

        c.Send("hello");
        Assert.Equal("hello", b.ReceiveString());
        b.Send("back");
        Assert.Equal("back", c.ReceiveString());
        Assert.True(b.IsThreadSafe);
    }

    [Fact]
    public async Task Channel_RefusesASecondPeer_WhileTheFirstIsAttached()
    {
        var (bound, first) = ConnectedPair();
        await using var b = bound;
        await using var f = first;
        var events = bound.Monitor();
        first.Send("first");
        Assert.Equal("first", bound.ReceiveString());

        await using var second = NewChannel();
        second.Connect(bound.LastEndpoint!);
        second.TrySend("second: never delivered");

        var refused = await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("one peer", refused.Reason ?? "", StringComparison.Ordinal);
        first.Send("first again");
        Assert.Equal("first again", bound.ReceiveString());
        Assert.False(bound.TryReceive(out var extra, TimeSpan.FromMilliseconds(100)), $"unexpected {extra}");
    }

    [Fact]
    public async Task Channel_RefusesMultipart_AndASecondConnect()
    {
        await using var channel = NewChannel();
        channel.Connect(FreshEndpoint());

        var multipart = Assert.Throws<NotSupportedException>(() => channel.Core().SendFrame("part"u8, more: true, 0));
        Assert.Contains("single-frame", multipart.Message, StringComparison.Ordinal);
        var second = Assert.Throws<InvalidOperationException>(() => channel.Connect(FreshEndpoint()));
        Assert.Contains("one peer", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyThreads_SendBothWays_AtOnce_LosingNothing()
    {
        var (bound, connected) = ConnectedPair();
        await using var b = bound;
        await using var c = connected;
        const int Threads = 3, Each = 300;

        Task Senders(ChannelSocket socket) => Task.WhenAll(Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                socket.Send(string.Create(CultureInfo.InvariantCulture, $"{t}:{i}"));
            }
        })));
        Task<string[]> Receivers(ChannelSocket socket) => Task.Run(async () =>
        {
            var all = await Task.WhenAll(Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
                Enumerable.Range(0, Each).Select(_ => socket.ReceiveString()).ToArray())));
            return all.SelectMany(x => x).ToArray();
        });

        var atBound = Receivers(b);
        var atConnected = Receivers(c);
        await Task.WhenAll(Senders(b), Senders(c)).WaitAsync(Timeout);

        var expected = Enumerable.Range(0, Threads).SelectMany(t => Enumerable.Range(0, Each).Select(i => $"{t}:{i}")).Order();
        Assert.Equal(expected, (await atBound.WaitAsync(Timeout)).Order());
        Assert.Equal(expected, (await atConnected.WaitAsync(Timeout)).Order());
    }
}

public sealed class ChannelOverTcp : ChannelTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class ChannelOverIpc : ChannelTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class ChannelOverInproc : ChannelTests
{
    protected override string AnyEndpoint => $"inproc://channel-{Guid.NewGuid():N}";
}
