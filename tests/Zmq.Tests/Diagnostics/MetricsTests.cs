using Zmq.Tests.Sockets;
using Zmq.Tests.Support;

namespace Zmq.Tests.Diagnostics;

/// <summary>The "Zmq" meter, read with a MeterListener as dotnet-counters or an exporter would, per
/// transport: each count under the socket type and endpoint it belongs to.</summary>
public abstract class MetricsTests : TransportTestBase
{
    protected const string Sent = "zmq.messages.sent";
    protected const string Received = "zmq.messages.received";
    protected const string Dropped = "zmq.messages.dropped";

    /// <summary>Whether the transport has connections with bytes on the wire.</summary>
    protected virtual bool HasWire => true;

    [Fact]
    public async Task MessagesSentAndReceived_AreCountedPerSocketAndEndpoint()
    {
        using var meter = new MeterReader();
        await using var server = BoundServer();
        string ep = server.LastEndpoint!;
        await using var client = NewClient();
        var ids = ConnectAndLearnIds(server, ("c", client));
        client.Send("one");
        client.Send("two");
        server.Send(ids["c"], "reply");
        Assert.Equal("one", server.ReceiveString());
        Assert.Equal("two", server.ReceiveString());
        Assert.Equal("reply", client.ReceiveString());

        // Each message counted by the side that did it: the client's "c", "one" and "two", the server's reply.
        Assert.Equal(3, meter.Observe(Sent, ep, "zmq.socket.type", "CLIENT"));
        Assert.Equal(3, meter.Observe(Received, ep, "zmq.socket.type", "SERVER"));
        Assert.Equal(1, meter.Observe(Sent, ep, "zmq.socket.type", "SERVER"));
        Assert.Equal(1, meter.Observe(Received, ep, "zmq.socket.type", "CLIENT"));
        Assert.Equal(0, meter.Observe(Dropped, ep));
    }

    [Fact]
    public async Task BytesOnTheWire_AreCountedOnBothSides_AndMatchOnceEverythingArrived()
    {
        using var meter = new MeterReader();
        // Counts are keyed by the endpoint string: a reserved port, never a freed ephemeral one that
        // a connector left by a test running alongside might still be re-dialling.
        await using var server = NewServer();
        server.Bind(FreshEndpoint());
        string ep = server.LastEndpoint!;
        await using var client = NewClient();
        ConnectAndLearnIds(server, ("c", client));
        client.Send(new byte[10_000]);
        Assert.Equal(10_000, server.Receive().Length);

        if (!HasWire)
        {
            Assert.Equal(0, meter.Observe("zmq.bytes.sent", ep));
            return;
        }
        // Greetings, READYs and frames, client to server and back, each side's count the other's.
        await Wait.UntilAsync(() => meter.Observe("zmq.bytes.sent", ep) == meter.Observe("zmq.bytes.received", ep), "both sides have counted every byte");
        Assert.True(meter.Observe("zmq.bytes.sent", ep) > (2 * 64) + 10_000, "greetings both ways and the message");
    }

    [Fact]
    public async Task PeersConnected_CountsEachSidesConnection_AndFallsWhenThePeerLeaves()
    {
        using var meter = new MeterReader();
        await using var server = BoundServer();
        string ep = server.LastEndpoint!;
        var client = NewClient();
        ConnectAndLearnIds(server, ("c", client));
        Assert.Equal(2, meter.Observe("zmq.peers.connected", ep));

        await client.DisposeAsync();

        await Wait.UntilAsync(() => meter.Observe("zmq.peers.connected", ep) == 0, "the server's peer count falls to 0");
        Assert.Equal(1, meter.Observe(Sent, ep, "zmq.socket.type", "CLIENT"));
    }

    [Fact]
    public async Task Publisher_MessagesASubscriberMissesAtTheHwm_AreCountedAsDroppedHwm()
    {
        using var meter = new MeterReader();
        await using var pub = new PublisherSocket { SendHighWatermark = 10, Linger = TimeSpan.Zero };
        pub.Bind(AnyEndpoint);
        string ep = pub.LastEndpoint!;
        await using var sub = new SubscriberSocket { ReceiveHighWatermark = 10, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Connect(ep);
        sub.Subscribe("");
        await PubSubTests.SubscribedAsync(pub, sub, "");
        long before = meter.Observe(Sent, ep, "zmq.socket.type", "PUB");

        // More than the queues and the kernel's buffers hold, with nobody reading.
        var body = new byte[64 * 1024];
        for (int i = 0; i < 500; i++)
        {
            pub.Send(body);
        }

        long queued = meter.Observe(Sent, ep, "zmq.socket.type", "PUB") - before;
        long dropped = meter.Observe(Dropped, ep, "zmq.drop.reason", "hwm");
        Assert.True(dropped > 0, "the subscriber's full queue missed messages");
        Assert.Equal(500, queued + dropped);
    }

    [Fact]
    public async Task IncompatibleSocketTypes_CountAFailedHandshake_BySocketTypeReason()
    {
        using var meter = new MeterReader();
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Bind(AnyEndpoint);
        string ep = pub.LastEndpoint!;
        await using var client = NewClient();
        client.Connect(ep);

        await Wait.UntilAsync(
            () => meter.Added("zmq.handshakes.failed", r => r.Has("zmq.endpoint", ep) && r.Has("zmq.failure.reason", "socket_type")) >= 1,
            "a failed handshake is counted with reason socket_type");
    }

    [Fact]
    public void SendBlockedTime_IsCountedForASenderThatWaitedForRoom()
    {
        using var meter = new MeterReader();
        using var client = new ClientSocket { SendHighWatermark = 1, SendTimeout = TimeSpan.FromMilliseconds(200), Linger = TimeSpan.Zero };
        client.Connect(FreshEndpoint());
        client.Send("fills the queue");

        Assert.Throws<TimeoutException>(() => client.Send("waits, then gives up"));

        Assert.True(meter.Added("zmq.send.blocked.time", r => r.Has("zmq.socket.type", "CLIENT")) >= 0.15, "about 200 ms spent blocked");
    }
}

public sealed class MetricsOverTcp : MetricsTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class MetricsOverIpc : MetricsTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class MetricsOverInproc : MetricsTests
{
    protected override string AnyEndpoint => $"inproc://metrics-{Guid.NewGuid():N}";

    protected override bool HasWire => false;
}

/// <summary>The counts only connections have: re-dials, what a subscriber filters out of what a
/// publisher sent, what is dropped for a peer that never came.</summary>
public abstract class StreamMetricsTests : TransportTestBase
{
    [Fact]
    public async Task Reconnects_CountEachDialAfterTheFirst()
    {
        using var meter = new MeterReader();
        string ep = FreshEndpoint();
        await using var client = new ClientSocket { ReconnectInterval = TimeSpan.FromMilliseconds(10), Linger = TimeSpan.Zero };
        client.Connect(ep);

        await Wait.UntilAsync(() => meter.Added("zmq.reconnects", r => r.Has("zmq.endpoint", ep) && r.Has("zmq.socket.type", "CLIENT")) >= 2, "two re-dials are counted");
    }

    [Fact]
    public async Task Subscriber_AMessageOnATopicItDidNotSubscribe_IsCountedAsDroppedFiltered()
    {
        using var meter = new MeterReader();
        await using var sub = new SubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Bind(AnyEndpoint);
        string ep = sub.LastEndpoint!;
        sub.Subscribe("a");
        await using var publisher = await RawPeer.ConnectAsync(ep);
        await publisher.HandshakeAsync("PUB");

        // A publisher that ignores subscriptions, as a broken or hostile one may.
        await publisher.SendAsync(RawPeer.MessageFrame("b-not-subscribed"), RawPeer.MessageFrame("a-subscribed"));

        Assert.Equal("a-subscribed", sub.ReceiveString());
        Assert.Equal(1, meter.Observe("zmq.messages.dropped", ep, "zmq.drop.reason", "filtered"));
    }

    [Fact]
    public async Task MessagesQueuedForAPeerThatNeverCame_AreCountedAsDroppedNoRoute_OnClose()
    {
        using var meter = new MeterReader();
        string ep = FreshEndpoint();
        var client = new ClientSocket { Linger = TimeSpan.Zero };
        client.Connect(ep);
        for (int i = 0; i < 5; i++)
        {
            client.Send("never sent");
        }

        await client.DisposeAsync();

        Assert.Equal(5, meter.Observe("zmq.messages.dropped", ep, "zmq.drop.reason", "no_route"));
        // Queued for sending, so counted as sent too: sent less dropped is what left.
        Assert.Equal(5, meter.Observe("zmq.messages.sent", ep));
    }
}

public sealed class StreamMetricsOverTcp : StreamMetricsTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class StreamMetricsOverIpc : StreamMetricsTests
{
    protected override string AnyEndpoint => "ipc://*";
}
