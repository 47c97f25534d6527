using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>XPUB and XSUB (RFC 29, libzmq test_xpub_*, test_xsub_*) over every transport:
/// subscriptions visible to the application as messages, verbose modes, cancellations when a
/// subscriber leaves, subscriptions sent as messages, and a forwarder through the proxy.</summary>
public abstract class XPubXSubTests : TransportTestBase
{
    private static string Text(Message m) => $"{m.Span[0]}:{Encoding.UTF8.GetString(m.Span[1..])}";

    private XPublisherSocket BoundXPub(bool verbose = false)
    {
        var xpub = new XPublisherSocket { XpubVerbose = verbose, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xpub.Bind(AnyEndpoint);
        return xpub;
    }

    private static XSubscriberSocket ConnectedXSub(XPublisherSocket xpub)
    {
        var xsub = new XSubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xsub.Connect(xpub.LastEndpoint!);
        return xsub;
    }

    private static SubscriberSocket ConnectedSub(XPublisherSocket xpub)
    {
        var sub = new SubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Connect(xpub.LastEndpoint!);
        return sub;
    }

    [Fact]
    public async Task XPub_ReceivesATopicsFirstSubscription_AndItsLastCancellation()
    {
        await using var xpub = BoundXPub();
        await using var a = ConnectedSub(xpub);
        await using var b = ConnectedSub(xpub);

        a.Subscribe("A");
        Assert.Equal("1:A", Text(xpub.Receive()));
        b.Subscribe("A");
        b.Subscribe("B");
        Assert.Equal("1:B", Text(xpub.Receive()));   // b's "A" was not the topic's first
        a.Unsubscribe("A");
        b.Unsubscribe("A");
        Assert.Equal("0:A", Text(xpub.Receive()));   // a's was not its last
    }

    [Fact]
    public async Task XPubVerbose_ReceivesEverySubscription()
    {
        await using var xpub = BoundXPub(verbose: true);
        await using var a = ConnectedSub(xpub);
        await using var b = ConnectedSub(xpub);

        a.Subscribe("A");
        Assert.Equal("1:A", Text(xpub.Receive()));
        b.Subscribe("A");
        Assert.Equal("1:A", Text(xpub.Receive()));
    }

    [Fact]
    public async Task XPub_ASubscriberLeaving_CancelsTheTopicsOnlyItHeld()
    {
        await using var xpub = BoundXPub();
        await using var stays = ConnectedSub(xpub);
        var leaves = ConnectedSub(xpub);
        stays.Subscribe("shared");
        Assert.Equal("1:shared", Text(xpub.Receive()));
        leaves.Subscribe("shared");
        leaves.Subscribe("own");
        Assert.Equal("1:own", Text(xpub.Receive()));

        await leaves.DisposeAsync();
        Assert.Equal("0:own", Text(xpub.Receive()));
        stays.Subscribe("marker");
        Assert.Equal("1:marker", Text(xpub.Receive()));
    }

    [Fact]
    public async Task XPub_WelcomesEachSubscriberWithItsWelcomeMessage()
    {
        await using var xpub = BoundXPub();
        xpub.WelcomeMessage = "welcome"u8.ToArray();
        await using var sub = new SubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Subscribe("welcome");
        sub.Connect(xpub.LastEndpoint!);

        Assert.Equal("welcome", sub.ReceiveString());
        Assert.Equal("1:welcome", Text(xpub.Receive()));
    }

    [Fact]
    public async Task XPubNoDrop_WaitsForAFullSubscriber_InsteadOfDropping()
    {
        await using var xpub = new XPublisherSocket { XpubNoDrop = true, SendHighWatermark = 4, SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xpub.Bind(AnyEndpoint);
        await using var sub = new SubscriberSocket { ReceiveHighWatermark = 4, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Subscribe("");
        sub.Connect(xpub.LastEndpoint!);
        Assert.Equal("1:", Text(xpub.Receive()));

        int sent = 0;
        bool refused = false;
        await Wait.UntilAsync(() =>
        {
            // Bounded: an XPUB that drops instead would take every message.
            while (sent < 100_000 && !(refused = !xpub.TrySend($"{sent}")))
            {
                sent++;
            }
            return sent >= 8 || !refused;
        }, "the XPUB fills the subscriber's queues");
        Assert.True(refused, $"the XPUB took {sent} messages without waiting");
        var waiting = Task.Run(() => xpub.Send("after the wait"));
        for (int i = 0; i < sent; i++)
        {
            Assert.Equal($"{i}", sub.ReceiveString());
        }
        await waiting.WaitAsync(Timeout);
        Assert.Equal("after the wait", sub.ReceiveString());
    }

    [Fact]
    public async Task InvertMatching_BothEnds_CarryWhatTheSubscriptionsDoNotMatch()
    {
        await using var xpub = new XPublisherSocket { InvertMatching = true, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xpub.Bind(AnyEndpoint);
        await using var sub = new SubscriberSocket { InvertMatching = true, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Subscribe("A");
        sub.Connect(xpub.LastEndpoint!);
        Assert.Equal("1:A", Text(xpub.Receive()));   // applied at the XPUB from here on

        xpub.Send("A: excluded");
        xpub.Send("B: included");
        Assert.Equal("B: included", sub.ReceiveString());
    }

    [Fact]
    public async Task XSub_SubscribesAndCancelsWithMessages()
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Bind(AnyEndpoint);
        await using var xsub = new XSubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xsub.Connect(pub.LastEndpoint!);

        xsub.Send([1, (byte)'A']);
        await Wait.UntilAsync(() =>
        {
            pub.Send("B: not subscribed");
            pub.Send("A: probe");
            return xsub.TryReceive(out var m, TimeSpan.FromMilliseconds(20)) && m.ToString() == "A: probe";
        }, "the XSUB's subscription reaches the PUB");
        while (xsub.TryReceive(out var m, TimeSpan.FromMilliseconds(50)))
        {
            Assert.Equal("A: probe", m.ToString());
        }

        // The cancel and the marker's subscription reach the PUB in order: once a marker gets
        // through, the PUB has dropped "A".
        xsub.Send([0, (byte)'A']);
        xsub.Send([1, (byte)'M']);
        await Wait.UntilAsync(() =>
        {
            pub.Send("M: marker");
            return xsub.TryReceive(out var m, TimeSpan.FromMilliseconds(20)) && m.ToString() == "M: marker";
        }, "the XSUB's cancel reaches the PUB");
        pub.Send("A: after the cancel");
        pub.Send("M: end");
        string next;
        while ((next = xsub.ReceiveString()) != "M: end")
        {
            Assert.Equal("M: marker", next);
        }
    }

    [Fact]
    public async Task AnXSubXPubForwarder_CarriesSubscriptionsUpAndMessagesDown()
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Bind(AnyEndpoint);
        await using var frontend = new XSubscriberSocket { Linger = TimeSpan.Zero };
        frontend.Connect(pub.LastEndpoint!);
        await using var backend = BoundXPub();
        using var stop = new CancellationTokenSource();
        var forwarder = Proxy.RunAsync(frontend, backend, cancellationToken: stop.Token);
        await using var sub = ConnectedSub(backend);
        sub.Subscribe("news");

        await Wait.UntilAsync(() =>
        {
            pub.Send("sport: not subscribed");
            pub.Send("news: through the forwarder");
            return sub.TryReceive(out var m, TimeSpan.FromMilliseconds(20)) && m.ToString() == "news: through the forwarder";
        }, "the subscription crosses the forwarder to the PUB");

        await stop.CancelAsync();
        await forwarder.WaitAsync(Timeout);
    }

    [Fact]
    public async Task XPubManual_PassesEveryRequestUp_AndSubscribesOnlyWhatTheApplicationSays()
    {
        await using var xpub = new XPublisherSocket { XpubManual = true, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xpub.Bind(AnyEndpoint);
        Assert.Throws<InvalidOperationException>(() => xpub.Subscribe("nobody asked"));
        await using var sub = ConnectedXSub(xpub);

        sub.Send([1, .. "news"u8]);
        Assert.Equal("1:news", Text(xpub.Receive()));
        // Granted a different topic than asked: only that one reaches the subscriber.
        xpub.Subscribe("sport");
        xpub.Send("news: not granted");
        xpub.Send("sport: granted");
        Assert.Equal("sport: granted", sub.ReceiveString());

        sub.Send([1, .. "news"u8]);
        Assert.Equal("1:news", Text(xpub.Receive()));   // repeats go up too, in manual mode
        // Subscribed twice, the XSUB sends its cancel with the second (as libzmq's).
        sub.Send([0, .. "news"u8]);
        sub.Send([0, .. "news"u8]);
        Assert.Equal("0:news", Text(xpub.Receive()));
        xpub.Unsubscribe("sport");
        xpub.Send("sport: after the cancel");
        xpub.Subscribe("marker");
        xpub.Send("marker");
        Assert.Equal("marker", sub.ReceiveString());
    }

    [Fact]
    public async Task XPubManualLastValue_SendsTheNextMessageOnlyToTheNewSubscriber()
    {
        await using var xpub = new XPublisherSocket { XpubManualLastValue = true, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xpub.Bind(AnyEndpoint);
        await using var first = ConnectedXSub(xpub);
        first.Send([1, .. "price"u8]);
        Assert.Equal("1:price", Text(xpub.Receive()));
        xpub.Subscribe("price");
        xpub.Send("price 1");   // only the newcomer: first
        Assert.Equal("price 1", first.ReceiveString());

        await using var second = ConnectedXSub(xpub);
        second.Send([1, .. "price"u8]);
        Assert.Equal("1:price", Text(xpub.Receive()));
        xpub.Subscribe("price");
        xpub.Send("price 1 (cached, for the newcomer)");
        xpub.Send("price 2");   // everyone again
        Assert.Equal("price 1 (cached, for the newcomer)", second.ReceiveString());
        Assert.Equal("price 2", second.ReceiveString());
        Assert.Equal("price 2", first.ReceiveString());
    }

    [Fact]
    public async Task XSub_SendsOtherMessagesUpstream_WholeToEveryPublisher_AndXPubReceivesThem()
    {
        await using var xpub1 = BoundXPub();
        await using var xpub2 = BoundXPub();
        await using var xsub = new XSubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xsub.Connect(xpub1.LastEndpoint!);
        xsub.Connect(xpub2.LastEndpoint!);
        xsub.Send([1, (byte)'t']);
        Assert.Equal("1:t", Text(xpub1.Receive()));
        Assert.Equal("1:t", Text(xpub2.Receive()));

        using (var up = new MultipartMessage("hello upstream", "second frame"))
        {
            xsub.SendMultipart(up);
        }
        foreach (var xpub in new[] { xpub1, xpub2 })
        {
            using var got = xpub.ReceiveMultipart();
            Assert.Equal(["hello upstream", "second frame"], got.Select(f => f.ToString()));
        }
    }
}

public sealed class XPubXSubOverTcp : XPubXSubTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class XPubXSubOverIpc : XPubXSubTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class XPubXSubOverInproc : XPubXSubTests
{
    protected override string AnyEndpoint => $"inproc://xpub-xsub-{Guid.NewGuid():N}";
}
