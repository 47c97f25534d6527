namespace Zmq.Tests.Sockets;

/// <summary>PEER (RFC 51, libzmq test_peer) over every transport: ids given at ConnectPeer and on
/// accept, replies by id, single frames, many peers on one socket.</summary>
public abstract class PeerTests : TransportTestBase
{
    protected static PeerSocket NewPeer() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    protected PeerSocket BoundPeer()
    {
        var peer = NewPeer();
        peer.Bind(AnyEndpoint);
        return peer;
    }

    [Fact]
    public async Task ConnectPeer_ReturnsTheIdAtOnce_AndBothSidesAddressEachOtherByIds()
    {
        await using var bound = BoundPeer();
        await using var dialer = NewPeer();

        uint id = dialer.ConnectPeer(bound.LastEndpoint!);
        Assert.NotEqual(0u, id);
        Assert.Contains(id, dialer.Peers);
        // Sent before the connection is known to be up: it waits in that peer's queue.
        dialer.Send(id, "hello");
        var got = bound.Receive();
        Assert.Equal("hello", got.ToString());
        Assert.NotEqual(0u, got.RoutingId);

        bound.Send(got.RoutingId, "back");
        var reply = dialer.Receive();
        Assert.Equal("back", reply.ToString());
        Assert.Equal(id, reply.RoutingId);
    }

    [Fact]
    public async Task APeerThatDialsTwoPeers_TalksToEachByItsOwnId()
    {
        await using var left = BoundPeer();
        await using var right = BoundPeer();
        await using var hub = NewPeer();
        uint toLeft = hub.ConnectPeer(left.LastEndpoint!);
        uint toRight = hub.ConnectPeer(right.LastEndpoint!);
        Assert.NotEqual(toLeft, toRight);

        hub.Send(toRight, "for right");
        hub.Send(toLeft, "for left");

        Assert.Equal("for left", left.ReceiveString());
        Assert.Equal("for right", right.ReceiveString());
        Assert.Equal(2, hub.PeerCount);
        Assert.Throws<HostUnreachableException>(() => hub.Send(toLeft + toRight + 1, "nobody"));
    }

    [Fact]
    public async Task Peer_RefusesMultipart_AndConnectPeerWithImmediate()
    {
        await using var peer = NewPeer();
        uint id = peer.ConnectPeer(FreshEndpoint());
        Assert.True(peer.IsThreadSafe);
        var multipart = Assert.Throws<NotSupportedException>(() => peer.Core().SendFrame("part"u8, more: true, id));
        Assert.Contains("single-frame", multipart.Message, StringComparison.Ordinal);

        await using var immediate = new PeerSocket { Immediate = true, Linger = TimeSpan.Zero };
        var e = Assert.Throws<InvalidOperationException>(() => immediate.ConnectPeer(FreshEndpoint()));
        Assert.Contains("Immediate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyThreads_SendAndReceive_OnBothPeers_EveryMessageExactlyOnce()
    {
        await using var bound = BoundPeer();
        await using var dialer = NewPeer();
        uint id = dialer.ConnectPeer(bound.LastEndpoint!);
        const int Threads = 4, Each = 300;

        // The bound peer's threads answer each message to the id it came from; the dialer's threads
        // send by the id ConnectPeer gave and collect the answers.
        var echoers = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                var m = bound.Receive();
                bound.Send(m.RoutingId, "re:" + m.ToString());
            }
        })).ToArray();
        var answers = new System.Collections.Concurrent.ConcurrentBag<string>();
        var collectors = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                var m = dialer.Receive();
                Assert.Equal(id, m.RoutingId);
                answers.Add(m.ToString());
            }
        })).ToArray();
        var senders = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                dialer.Send(id, $"{t}:{i}");
            }
        })).ToArray();
        await Task.WhenAll([.. senders, .. echoers, .. collectors]).WaitAsync(Timeout * 2);

        var expected = Enumerable.Range(0, Threads).SelectMany(t => Enumerable.Range(0, Each).Select(i => $"re:{t}:{i}"));
        Assert.Equal(expected.Order(), answers.Order());
    }
}

/// <summary>What only a connection has: a handshake that carries a hello, and a loss.</summary>
public abstract class StreamPeerTests : PeerTests
{
    [Fact]
    public async Task HelloMessage_IsTheFirstMessageEachSideGets()
    {
        await using var bound = NewPeer();
        bound.HelloMessage = "from bound"u8.ToArray();
        bound.Bind(AnyEndpoint);
        await using var dialer = NewPeer();
        dialer.HelloMessage = "from dialer"u8.ToArray();

        uint id = dialer.ConnectPeer(bound.LastEndpoint!);
        var first = dialer.Receive();
        Assert.Equal(("from bound", id), (first.ToString(), first.RoutingId));
        Assert.Equal("from dialer", bound.ReceiveString());
    }

    [Fact]
    public async Task DisconnectMessage_AndHiccupMessage_TellEachSideWhoWasLost()
    {
        var bound = NewPeer();
        bound.DisconnectMessage = "gone"u8.ToArray();
        bound.Bind(AnyEndpoint);
        await using var dialer = NewPeer();
        dialer.HiccupMessage = "hiccup"u8.ToArray();
        uint id = dialer.ConnectPeer(bound.LastEndpoint!);
        dialer.Send(id, "hi");
        uint dialerId = bound.Receive().RoutingId;

        // The dialer's connection drops: it hears of it under the id it dialled.
        Assert.True(bound.DisconnectPeer(dialerId));
        var hiccup = dialer.Receive();
        Assert.Equal(("hiccup", id), (hiccup.ToString(), hiccup.RoutingId));

        // It re-dials under the same id; then the bound side goes for good.
        dialer.Send(id, "again");
        uint again = bound.Receive().RoutingId;
        await using var other = NewPeer();
        other.ConnectPeer(bound.LastEndpoint!);
        other.Send(other.Peers[0], "other");
        Assert.Equal("other", bound.ReceiveString());
        await dialer.DisposeAsync();
        var notice = bound.Receive();
        Assert.Equal(("gone", again), (notice.ToString(), notice.RoutingId));
        await bound.DisposeAsync();
    }
}

public sealed class PeerOverTcp : StreamPeerTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class PeerOverIpc : StreamPeerTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class PeerOverInproc : PeerTests
{
    protected override string AnyEndpoint => $"inproc://peer-{Guid.NewGuid():N}";
}
