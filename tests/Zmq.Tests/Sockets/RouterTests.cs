using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>ROUTER (RFC 28, libzmq test_spec_router, test_router_mandatory, test_router_handover)
/// over every transport: the identity frame in front of each received message, replies routed by
/// it, identities made or announced, and what happens to a message with nowhere to go.</summary>
public abstract class RouterTests : TransportTestBase
{
    protected static RouterSocket NewRouter() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    protected static DealerSocket NewDealer(string? routingId = null) => new()
    {
        SendTimeout = Timeout,
        ReceiveTimeout = Timeout,
        Linger = TimeSpan.Zero,
        RoutingId = routingId == null ? null : System.Text.Encoding.UTF8.GetBytes(routingId),
    };

    private RouterSocket BoundRouter()
    {
        var r = NewRouter();
        r.Bind(AnyEndpoint);
        return r;
    }

    private static (byte[] Identity, string[] Frames) ReceiveRouted(RouterSocket router)
    {
        using var m = router.ReceiveMultipart();
        return (m[0].Span.ToArray(), [.. m.Skip(1).Select(f => f.ToString())]);
    }

    private static void SendRouted(RouterSocket router, byte[] identity, params string[] frames)
    {
        using var m = new MultipartMessage();
        m.Add(identity);
        foreach (var f in frames)
        {
            m.Add(f);
        }
        router.SendMultipart(m);
    }

    [Fact]
    public async Task Router_PutsThePeersIdentityBeforeEachMessage_AndRoutesRepliesByIt()
    {
        await using var router = BoundRouter();
        await using var a = NewDealer();
        await using var b = NewDealer();
        a.Connect(router.LastEndpoint!);
        b.Connect(router.LastEndpoint!);
        a.Send("from a");
        b.Send("from b");

        var ids = new Dictionary<string, byte[]>();
        for (int i = 0; i < 2; i++)
        {
            var (identity, frames) = ReceiveRouted(router);
            ids[Assert.Single(frames)] = identity;
        }
        Assert.NotEqual(ids["from a"], ids["from b"]);

        SendRouted(router, ids["from b"], "to b");
        SendRouted(router, ids["from a"], "to a", "second frame");
        Assert.Equal("to b", b.ReceiveString());
        using var toA = a.ReceiveMultipart();
        Assert.Equal(["to a", "second frame"], toA.Select(f => f.ToString()));
    }

    [Fact]
    public async Task Router_MakesFiveByteIdentitiesStartingWithZero_ForPeersThatAnnounceNone()
    {
        await using var router = BoundRouter();
        await using var dealer = NewDealer();
        dealer.Connect(router.LastEndpoint!);
        dealer.Send("hi");

        var (identity, _) = ReceiveRouted(router);
        Assert.Equal(5, identity.Length);
        Assert.Equal(0, identity[0]);
    }

    [Fact]
    public async Task Router_UsesTheIdentityAPeerAnnounces()
    {
        await using var router = BoundRouter();
        await using var dealer = NewDealer("alice");
        dealer.Connect(router.LastEndpoint!);
        dealer.Send("hi");

        var (identity, _) = ReceiveRouted(router);
        Assert.Equal("alice", System.Text.Encoding.UTF8.GetString(identity));
        SendRouted(router, "alice"u8.ToArray(), "hello alice");
        Assert.Equal("hello alice", dealer.ReceiveString());
    }

    [Fact]
    public async Task Router_ThatConnects_KnowsTheBoundPeerByItsIdentity()
    {
        await using var dealer = NewDealer("bound");
        dealer.Bind(AnyEndpoint);
        await using var router = NewRouter();
        router.Connect(dealer.LastEndpoint!);

        await Wait.UntilAsync(() =>
        {
            using var m = new MultipartMessage("bound", "probe");
            router.SendMultipart(m);
            return dealer.TryReceive(out _, TimeSpan.FromMilliseconds(20));
        }, "the ROUTER learns the DEALER's identity from the handshake");
        while (dealer.TryReceive(out _, TimeSpan.FromMilliseconds(20)))
        {
        }
        dealer.Send("back");
        var (identity, frames) = ReceiveRouted(router);
        Assert.Equal("bound", System.Text.Encoding.UTF8.GetString(identity));
        Assert.Equal(["back"], frames);
    }

    [Fact]
    public async Task Router_ReceivedFrameByFrame_GivesTheIdentityFirst_IntoABufferToo()
    {
        await using var router = BoundRouter();
        await using var dealer = NewDealer("id");
        dealer.Connect(router.LastEndpoint!);
        dealer.Send("x", more: true);
        dealer.Send("y");

        var buffer = new byte[16];
        var first = router.Receive(buffer);
        Assert.True(first.More);
        Assert.Equal("id", System.Text.Encoding.UTF8.GetString(buffer, 0, first.Length));
        var x = router.Receive();
        Assert.True(x.More);
        Assert.Equal("x", x.ToString());
        var y = router.Receive(buffer);
        Assert.False(y.More);
        Assert.Equal("y", System.Text.Encoding.UTF8.GetString(buffer, 0, y.Length));
    }

    [Fact]
    public async Task Router_WithoutMandatory_DropsAMessageToAnUnknownIdentity_AndCountsIt()
    {
        await using var router = BoundRouter();
        await using var dealer = NewDealer("known");
        dealer.Connect(router.LastEndpoint!);
        dealer.Send("hi");
        ReceiveRouted(router);

        SendRouted(router, "nobody"u8.ToArray(), "lost", "whole");
        SendRouted(router, "known"u8.ToArray(), "kept");

        Assert.Equal(1, router.DroppedMessages);
        using var got = dealer.ReceiveMultipart();
        Assert.Equal(["kept"], got.Select(f => f.ToString()));
    }

    [Fact]
    public async Task Router_WithMandatory_ThrowsHostUnreachableForAnUnknownIdentity_AndSendsNothingOfIt()
    {
        await using var router = BoundRouter();
        router.RouterMandatory = true;
        await using var dealer = NewDealer("known");
        dealer.Connect(router.LastEndpoint!);
        dealer.Send("hi");
        ReceiveRouted(router);

        var e = Assert.Throws<HostUnreachableException>(() => SendRouted(router, "nobody"u8.ToArray(), "lost"));
        Assert.Contains("0x6e6f626f6479", e.Message, StringComparison.Ordinal);
        SendRouted(router, "known"u8.ToArray(), "kept");
        Assert.Equal("kept", dealer.ReceiveString());
        Assert.Equal(0, router.DroppedMessages);
    }

    [Fact]
    public async Task Router_WithMandatory_WaitsForAFullPeer_InsteadOfDropping()
    {
        await using var router = new RouterSocket { RouterMandatory = true, SendHighWatermark = 2, SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        router.Bind(AnyEndpoint);
        await using var dealer = new DealerSocket { RoutingId = "slow"u8.ToArray(), ReceiveHighWatermark = 2, SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        dealer.Connect(router.LastEndpoint!);
        dealer.Send("hi");
        ReceiveRouted(router);

        int sent = 0;
        await Wait.UntilAsync(() =>
        {
            while (true)
            {
                using var m = new MultipartMessage("slow", $"{sent}");
                if (!router.TrySendMultipart(m))
                {
                    return sent > 0;
                }
                sent++;
            }
        }, "the ROUTER fills the DEALER's queues");
        var waiting = Task.Run(() =>
        {
            using var after = new MultipartMessage("slow", "after the wait");
            router.SendMultipart(after);
        });
        for (int i = 0; i < sent; i++)
        {
            Assert.Equal($"{i}", dealer.ReceiveString());
        }
        await waiting.WaitAsync(Timeout);
        Assert.Equal("after the wait", dealer.ReceiveString());
        Assert.Equal(0, router.DroppedMessages);
    }

    [Fact]
    public async Task Router_ASecondPeerAnnouncingATakenIdentity_GetsOneMadeForIt_UnlessHandover()
    {
        await using var router = BoundRouter();
        await using var first = NewDealer("same");
        first.Connect(router.LastEndpoint!);
        first.Send("first");
        Assert.Equal("same", System.Text.Encoding.UTF8.GetString(ReceiveRouted(router).Identity));

        await using var second = NewDealer("same");
        second.Connect(router.LastEndpoint!);
        second.Send("second");
        var (identity, _) = ReceiveRouted(router);
        Assert.Equal(0, identity[0]);
        SendRouted(router, "same"u8.ToArray(), "still the first");
        Assert.Equal("still the first", first.ReceiveString());

        await using var handingOver = new RouterSocket { RouterHandover = true, ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        handingOver.Bind(AnyEndpoint);
        await using var old = NewDealer("same");
        old.Connect(handingOver.LastEndpoint!);
        old.Send("old");
        ReceiveRouted(handingOver);
        await using var newer = NewDealer("same");
        newer.Connect(handingOver.LastEndpoint!);
        newer.Send("new");
        Assert.Equal("same", System.Text.Encoding.UTF8.GetString(ReceiveRouted(handingOver).Identity));
        SendRouted(handingOver, "same"u8.ToArray(), "to the newcomer");
        Assert.Equal("to the newcomer", newer.ReceiveString());
    }

    [Fact]
    public async Task ProbeRouter_TellsTheRouterOfEachPeerBeforeItSendsAnything()
    {
        await using var router = BoundRouter();
        await using var dealer = NewDealer("probing");
        dealer.ProbeRouter = true;
        dealer.Connect(router.LastEndpoint!);
        await using var connecting = NewRouter();
        connecting.RoutingId = "router"u8.ToArray();
        connecting.ProbeRouter = true;
        connecting.Connect(router.LastEndpoint!);

        var probes = new HashSet<string>();
        for (int i = 0; i < 2; i++)
        {
            var (identity, frames) = ReceiveRouted(router);
            Assert.Equal([""], frames);
            probes.Add(System.Text.Encoding.UTF8.GetString(identity));
        }
        Assert.Equal(["probing", "router"], probes.Order());
    }

    [Fact]
    public void RoutingId_OfZeroLengthOrStartingWithZero_IsRefused()
    {
        using var dealer = new DealerSocket();
        Assert.Throws<ArgumentException>(() => dealer.RoutingId = []);
        Assert.Throws<ArgumentException>(() => dealer.RoutingId = [0, 1]);
        Assert.Throws<ArgumentException>(() => dealer.RoutingId = new byte[256]);
        dealer.RoutingId = [1];
        Assert.Equal([1], dealer.RoutingId);
    }

    [Fact]
    public async Task Router_FrameByFrame_TheIdentityIntoASpan_ThenTheBodyAsAPooledBuffer()
    {
        await using var router = BoundRouter();
        await using var dealer = NewDealer();
        dealer.Connect(router.LastEndpoint!);
        var body = new byte[256];
        body.AsSpan().Fill(7);
        for (int i = 0; i < 3; i++)
        {
            dealer.Send(body);
        }

        var span = new byte[64];
        for (int i = 0; i < 3; i++)
        {
            var identity = router.Receive(span);
            Assert.Equal(5, identity.Length);
            Assert.True(identity.More);
            using var message = router.ReceiveBuffer();
            Assert.Equal(body, message.Span.ToArray());
        }
    }

    [Fact]
    public async Task Router_ConnectRoutingId_NamesThePeerOfTheNextConnect_SoItCanBeAddressedFirst()
    {
        await using var server = BoundRouter();
        await using var client = NewRouter();
        client.RouterMandatory = true;
        client.ConnectRoutingId = "server"u8.ToArray();
        client.Connect(server.LastEndpoint!);
        Assert.Null(client.ConnectRoutingId);

        // Known under that name as soon as the connection is up: a ROUTER peer announces nothing.
        await Wait.UntilAsync(() =>
        {
            try
            {
                SendRouted(client, "server"u8.ToArray(), "hello");
                return true;
            }
            catch (HostUnreachableException)
            {
                return false;
            }
        }, "the connecting ROUTER to know its peer as 'server'");
        var (clientId, frames) = ReceiveRouted(server);
        Assert.Equal(["hello"], frames);
        SendRouted(server, clientId, "welcome");
        var (from, reply) = ReceiveRouted(client);
        Assert.Equal("server"u8.ToArray(), from);
        Assert.Equal(["welcome"], reply);
    }
}

/// <summary>ROUTER's RouterNotify (libzmq test_router_notify) over the transports whose peers
/// connect and disconnect (inproc pairs send no notices).</summary>
public abstract class RouterNotifyTests : TransportTestBase
{
    private RouterSocket BoundRouter(RouterNotifications notify)
    {
        var r = new RouterSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero, RouterNotify = notify };
        r.Bind(AnyEndpoint);
        return r;
    }

    private static DealerSocket NewDealer(string id) => new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero, RoutingId = System.Text.Encoding.UTF8.GetBytes(id) };

    /// <summary>The identity and the frames of the next message, joined by '|'.</summary>
    private static string Receive(RouterSocket router)
    {
        using var m = router.ReceiveMultipart();
        return string.Join('|', m.Select(f => f.ToString()));
    }

    [Fact]
    public async Task RouterNotify_Both_GivesAnEmptyMessageUnderThePeersIdentity_OnConnectAndOnDisconnect()
    {
        await using var router = BoundRouter(RouterNotifications.Connect | RouterNotifications.Disconnect);
        var dealer = NewDealer("d1");
        dealer.Connect(router.LastEndpoint!);
        Assert.Equal("d1|", Receive(router));
        dealer.Send("work");
        Assert.Equal("d1|work", Receive(router));

        await dealer.DisposeAsync();
        Assert.Equal("d1|", Receive(router));
    }

    [Fact]
    public async Task APeerThatComesBackUnderAnotherIdentity_LeavesItsEarlierMessagesUnderTheOldOne()
    {
        // The ROUTER connects, so one pipe serves both connections; the bound peer it reaches is
        // replaced by another with another identity while nothing is received.
        string ep = FreshEndpoint();
        var first = NewDealer("one");
        first.Linger = Timeout;
        first.Bind(ep);
        await using var router = new RouterSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, RouterNotify = RouterNotifications.Connect | RouterNotifications.Disconnect };
        var events = router.Monitor();
        router.Connect(ep);
        await events.NextAsync(SocketEventType.HandshakeSucceeded);
        first.Send("a1");
        await Support.Wait.UntilAsync(() => router.CanReceive, "the first peer's message to arrive");
        await first.DisposeAsync();
        await events.NextAsync(SocketEventType.Disconnected);

        await using var second = NewDealer("two");
        second.Bind(ep);
        await events.NextAsync(SocketEventType.HandshakeSucceeded);
        second.Send("b1");

        Assert.Equal("one|", Receive(router));
        Assert.Equal("one|a1", Receive(router));
        Assert.Equal("one|", Receive(router));
        Assert.Equal("two|", Receive(router));
        Assert.Equal("two|b1", Receive(router));
    }

    [Fact]
    public async Task RouterNotify_ConnectOnly_SaysNothingWhenThePeerLeaves()
    {
        await using var router = BoundRouter(RouterNotifications.Connect);
        var dealer = NewDealer("d2");
        dealer.Connect(router.LastEndpoint!);
        Assert.Equal("d2|", Receive(router));
        await dealer.DisposeAsync();
        Assert.False(router.TryReceive(out _, TimeSpan.FromMilliseconds(300)), "no disconnect notice was asked for");
    }

    [Fact]
    public async Task RouterNotify_None_IsTheDefault_AndTheFirstMessageIsThePeers()
    {
        await using var router = BoundRouter(RouterNotifications.None);
        using (var fresh = new RouterSocket())
        {
            Assert.Equal(RouterNotifications.None, fresh.RouterNotify);
        }
        await using var dealer = NewDealer("d3");
        dealer.Connect(router.LastEndpoint!);
        dealer.Send("first");
        Assert.Equal("d3|first", Receive(router));
    }
}

public sealed class RouterOverTcp : RouterTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class RouterOverIpc : RouterTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class RouterOverInproc : RouterTests
{
    protected override string AnyEndpoint => $"inproc://router-{Guid.NewGuid():N}";
}

public sealed class RouterNotifyOverTcp : RouterNotifyTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class RouterNotifyOverIpc : RouterNotifyTests
{
    protected override string AnyEndpoint => "ipc://*";
}
