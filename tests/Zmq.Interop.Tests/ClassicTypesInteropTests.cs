using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>PUSH/PULL, REQ/REP, DEALER, ROUTER, PAIR and XPUB/XSUB between our sockets and real libzmq (4.3.5 through zeromq.js,
/// 4.3.4 through python3-zmq), both directions and both bind sides, over tcp and ipc: messages
/// arrive whole, in order, with their empty frames and no envelope added.</summary>
public class ClassicTypesInteropTests
{
    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Text(byte[][] frames) => string.Join('|', frames.Select(Encoding.UTF8.GetString));

    public static TheoryData<string, string> Cases => LibzmqPeer.BuildsAndTransports;

    /// <summary>Each build and transport, with our socket binding (true) and with the libzmq peer binding.</summary>
    public static TheoryData<string, string, bool> Sides
    {
        get
        {
            var data = new TheoryData<string, string, bool>();
            foreach (var row in LibzmqPeer.BuildsAndTransports)
            {
                data.Add((string)row[0], (string)row[1], true);
                data.Add((string)row[0], (string)row[1], false);
            }
            return data;
        }
    }

    /// <summary>A libzmq peer of <paramref name="type"/> linked to <paramref name="ours"/>: our socket
    /// binds and the peer connects, or the peer binds and ours connects.</summary>
    internal static async Task<Linked> LinkAsync(ZmqSocket ours, string build, string type, string transport, bool oursBinds)
    {
        if (oursBinds)
        {
            ours.Bind(Transports.OurBind(transport));
            var peer = LibzmqPeer.Start(build, type, bind: false, ours.LastEndpoint!);
            await peer.WaitForReadyAsync();
            return new Linked(peer, null);
        }
        var bind = Transports.LibzmqBind(transport);
        var bound = LibzmqPeer.Start(build, type, bind: true, bind.Endpoint);
        ours.Connect(await bound.WaitForReadyAsync());
        return new Linked(bound, bind);
    }

    internal sealed class Linked(ILibzmqPeer peer, LibzmqBind? bind) : IAsyncDisposable
    {
        public ILibzmqPeer Peer => peer;

        public async ValueTask DisposeAsync()
        {
            await peer.DisposeAsync();
            bind?.Dispose();
        }
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurPush_DeliversEveryMessageWholeAndInOrder_ToALibzmqPull(string build, string transport, bool oursBinds)
    {
        await using var push = new PushSocket { SendTimeout = Ours.Wait, Linger = TimeSpan.FromSeconds(5) };
        await using var link = await LinkAsync(push, build, "pull", transport, oursBinds);

        for (int i = 0; i < 3; i++)
        {
            using var m = new MultipartMessage($"m{i}", "", new string('x', 300));
            push.SendMultipart(m);
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"m{i}||{new string('x', 300)}", Text(await link.Peer.ReceiveFramesAsync($"message {i}")));
        }
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task ALibzmqPush_DeliversEveryMessageWholeAndInOrder_ToOurPull(string build, string transport, bool oursBinds)
    {
        await using var pull = new PullSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        await using var link = await LinkAsync(pull, build, "push", transport, oursBinds);

        for (int i = 0; i < 3; i++)
        {
            await link.Peer.SendFramesAsync(B($"m{i}"), [], B("end"));
        }

        for (int i = 0; i < 3; i++)
        {
            using var m = pull.ReceiveMultipart();
            Assert.Equal([$"m{i}", "", "end"], m.Select(f => f.ToString()));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurDealer_TalksToALibzmqRouter_WhichSeesAnIdentityFrameBeforeOurFrames(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var router = LibzmqPeer.Start(build, "router", bind: true, bind.Endpoint);
        string endpoint = await router.WaitForReadyAsync();
        await using var dealer = new DealerSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        dealer.Connect(endpoint);

        using (var request = new MultipartMessage("", "hello"))
        {
            dealer.SendMultipart(request);
        }
        var got = await router.ReceiveFramesAsync("the request");
        Assert.Equal(3, got.Length);
        Assert.Equal(5, got[0].Length);
        Assert.Equal("|hello", Text(got[1..]));

        await router.SendFramesAsync(got[0], [], B("world"));
        using var reply = dealer.ReceiveMultipart();
        Assert.Equal(["", "world"], reply.Select(f => f.ToString()));
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task ALibzmqDealer_TalksToOurDealer_BothWays(string build, string transport, bool oursBinds)
    {
        await using var ours = new DealerSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        await using var link = await LinkAsync(ours, build, "dealer", transport, oursBinds);

        await link.Peer.SendFramesAsync(B("ping"), [], B("2"));
        using var got = ours.ReceiveMultipart();
        Assert.Equal(["ping", "", "2"], got.Select(f => f.ToString()));
        ours.SendMultipart(got);
        Assert.Equal("ping||2", Text(await link.Peer.ReceiveFramesAsync("the echo")));
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurPair_AndALibzmqPair_TalkBothWays(string build, string transport, bool oursBinds)
    {
        await using var ours = new PairSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        await using var link = await LinkAsync(ours, build, "pair", transport, oursBinds);

        using (var m = new MultipartMessage("to", "libzmq"))
        {
            ours.SendMultipart(m);
        }
        Assert.Equal("to|libzmq", Text(await link.Peer.ReceiveFramesAsync("our message")));
        await link.Peer.SendFramesAsync(B("from"), B("libzmq"));
        using var got = ours.ReceiveMultipart();
        Assert.Equal(["from", "libzmq"], got.Select(f => f.ToString()));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurRouter_KnowsALibzmqDealerByTheIdentityItMade_AndRepliesToIt(string build, string transport)
    {
        await using var router = new RouterSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, RouterMandatory = true };
        router.Bind(Transports.OurBind(transport));
        await using var dealer = LibzmqPeer.Start(build, "dealer", bind: false, router.LastEndpoint!);
        await dealer.WaitForReadyAsync();

        await dealer.SendFramesAsync([], B("hi"));
        using var got = router.ReceiveMultipart();
        Assert.Equal(3, got.Count);
        Assert.Equal(5, got[0].Length);
        Assert.Equal(0, got[0].Span[0]);
        Assert.Equal(["", "hi"], got.Skip(1).Select(f => f.ToString()));

        using var reply = new MultipartMessage();
        reply.Add(got[0].Span);
        reply.Add("");
        reply.Add("yo");
        router.SendMultipart(reply);
        Assert.Equal("|yo", Text(await dealer.ReceiveFramesAsync("the reply")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurDealersRoutingId_IsTheIdentityALibzmqRouterKnowsItBy(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var router = LibzmqPeer.Start(build, "router", bind: true, bind.Endpoint);
        string endpoint = await router.WaitForReadyAsync();
        await using var dealer = new DealerSocket { RoutingId = B("ours"), SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        dealer.Connect(endpoint);

        dealer.Send("x");
        Assert.Equal("ours|x", Text(await router.ReceiveFramesAsync("our message")));
        await router.SendFramesAsync(B("ours"), B("back"));
        Assert.Equal("back", dealer.ReceiveString());
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurReq_AsksALibzmqRep_AndGetsItsReplies(string build, string transport, bool oursBinds)
    {
        await using var req = new RequestSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        await using var link = await LinkAsync(req, build, "rep", transport, oursBinds);

        for (int i = 0; i < 2; i++)
        {
            req.Send($"q{i}");
            Assert.Equal($"q{i}", Text(await link.Peer.ReceiveFramesAsync($"request {i}")));
            await link.Peer.SendFramesAsync(B($"a{i}"), B("more"));
            using var reply = req.ReceiveMultipart();
            Assert.Equal([$"a{i}", "more"], reply.Select(f => f.ToString()));
        }
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task ALibzmqReq_AsksOurRep_AndGetsItsReplies(string build, string transport, bool oursBinds)
    {
        await using var rep = new ResponseSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        await using var link = await LinkAsync(rep, build, "req", transport, oursBinds);

        for (int i = 0; i < 2; i++)
        {
            await link.Peer.SendFramesAsync(B($"q{i}"));
            Assert.Equal($"q{i}", rep.ReceiveString());
            rep.Send($"a{i}");
            Assert.Equal($"a{i}", Text(await link.Peer.ReceiveFramesAsync($"reply {i}")));
        }
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurRouter_AnswersALibzmqReq_ThroughTheEnvelopeItSent(string build, string transport, bool oursBinds)
    {
        await using var router = new RouterSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, RouterMandatory = true };
        await using var link = await LinkAsync(router, build, "req", transport, oursBinds);

        for (int i = 0; i < 2; i++)
        {
            await link.Peer.SendFramesAsync(B($"q{i}"));
            using var got = router.ReceiveMultipart();
            // The REQ's envelope: its identity (made by our ROUTER), the empty delimiter, the body.
            Assert.Equal(3, got.Count);
            Assert.Equal(5, got[0].Length);
            Assert.Equal(["", $"q{i}"], got.Skip(1).Select(f => f.ToString()));
            using var reply = new MultipartMessage();
            reply.Add(got[0].Span);
            reply.Add("");
            reply.Add($"a{i}");
            router.SendMultipart(reply);
            Assert.Equal($"a{i}", Text(await link.Peer.ReceiveFramesAsync($"reply {i}")));
        }
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurRouter_AndALibzmqDealer_ExchangeMultipartMessages_WhicheverSideBinds(string build, string transport, bool oursBinds)
    {
        await using var router = new RouterSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, RouterMandatory = true };
        await using var link = await LinkAsync(router, build, "dealer", transport, oursBinds);

        await link.Peer.SendFramesAsync(B("a"), [], B("c"));
        using var got = router.ReceiveMultipart();
        Assert.Equal(["a", "", "c"], got.Skip(1).Select(f => f.ToString()));
        using var reply = new MultipartMessage();
        reply.Add(got[0].Span);
        reply.Add("x");
        reply.Add("");
        reply.Add("z");
        router.SendMultipart(reply);
        Assert.Equal("x||z", Text(await link.Peer.ReceiveFramesAsync("the reply")));
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task ALibzmqSubscribersSubscription_IsReceivedByOurXPub(string build, string transport, bool oursBinds)
    {
        await using var xpub = new XPublisherSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        await using var link = await LinkAsync(xpub, build, "sub", transport, oursBinds);
        if (link.Peer is NodePeer node)
        {
            await node.SubscribeAsync([]);   // the Debian peer subscribes to everything as it starts
        }

        var subscription = xpub.Receive();
        Assert.Equal([1], subscription.Span.ToArray());
        xpub.Send("to everyone");
        Assert.Equal("to everyone", Text(await link.Peer.ReceiveFramesAsync("the publication")));
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurXSubsSubscriptionMessage_SubscribesItToALibzmqPub(string build, string transport, bool oursBinds)
    {
        await using var xsub = new XSubscriberSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        xsub.Send([1, (byte)'A']);
        await using var link = await LinkAsync(xsub, build, "pub", transport, oursBinds);

        Assert.Equal("A: subscribed", (await UntilSubscribedAsync(link.Peer, xsub)).ToString());
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurSub_GetsWhatItSubscribedTo_FromALibzmqPub(string build, string transport, bool oursBinds)
    {
        await using var sub = new SubscriberSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        sub.Subscribe("A");
        await using var link = await LinkAsync(sub, build, "pub", transport, oursBinds);

        Assert.Equal("A: subscribed", (await UntilSubscribedAsync(link.Peer, sub)).ToString());
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public async Task OurPub_SendsALibzmqSub_WhatItSubscribedTo(string build, string transport, bool oursBinds)
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        await using var link = await LinkAsync(pub, build, "sub", transport, oursBinds);
        if (link.Peer is NodePeer node)
        {
            await node.SubscribeAsync(B("A"));
        }

        for (int attempt = 0; ; attempt++)
        {
            if (link.Peer is not NodePeer)
            {
                // The Debian peer subscribes to everything: nothing to filter out.
                pub.Send($"A: {attempt}");
            }
            else
            {
                pub.Send("B: not subscribed");
                pub.Send($"A: {attempt}");
            }
            try
            {
                Assert.StartsWith("A: ", Text(await link.Peer.ReceiveFramesAsync("a publication", TimeSpan.FromMilliseconds(50))));
                return;
            }
            catch (TimeoutException) when (attempt < 200)
            {
                // The subscription is still on its way.
            }
        }
    }

    /// <summary>Has the libzmq PUB publish a message nobody asked for and one on "A" until the first
    /// "A" arrives (the subscription travels while the PUB already sends); returns it, and checks that
    /// nothing else arrived.</summary>
    private static async Task<Message> UntilSubscribedAsync(ILibzmqPeer pub, ZmqSocket subscriber)
    {
        var receiver = (IReceivingSocket)subscriber;
        for (int i = 0; i < 200; i++)
        {
            await pub.SendFramesAsync(B("B: not subscribed"));
            await pub.SendFramesAsync(B("A: subscribed"));
            if (receiver.TryReceive(out var got, TimeSpan.FromMilliseconds(25)))
            {
                return got;
            }
        }
        throw new TimeoutException("the subscription never reached the libzmq PUB");
    }
}
