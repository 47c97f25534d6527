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

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurPush_ConnectedToALibzmqPull_DeliversEveryMessageWholeAndInOrder(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var pull = LibzmqPeer.Start(build, "pull", bind: true, bind.Endpoint);
        string endpoint = await pull.WaitForReadyAsync();
        await using var push = new PushSocket { SendTimeout = Ours.Wait, Linger = TimeSpan.FromSeconds(5) };
        push.Connect(endpoint);

        for (int i = 0; i < 3; i++)
        {
            using var m = new MultipartMessage($"m{i}", "", new string('x', 300));
            push.SendMultipart(m);
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"m{i}||{new string('x', 300)}", Text(await pull.ReceiveFramesAsync($"message {i}")));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ALibzmqPush_ConnectedToOurPull_DeliversEveryMessageWholeAndInOrder(string build, string transport)
    {
        await using var pull = new PullSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        pull.Bind(Transports.OurBind(transport));
        await using var push = LibzmqPeer.Start(build, "push", bind: false, pull.LastEndpoint!);
        await push.WaitForReadyAsync();

        for (int i = 0; i < 3; i++)
        {
            await push.SendFramesAsync(B($"m{i}"), [], B("end"));
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
    [MemberData(nameof(Cases))]
    public async Task ALibzmqDealer_TalksToOurDealer_BothWays(string build, string transport)
    {
        await using var ours = new DealerSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        ours.Bind(Transports.OurBind(transport));
        await using var theirs = LibzmqPeer.Start(build, "dealer", bind: false, ours.LastEndpoint!);
        await theirs.WaitForReadyAsync();

        await theirs.SendFramesAsync(B("ping"), [], B("2"));
        using var got = ours.ReceiveMultipart();
        Assert.Equal(["ping", "", "2"], got.Select(f => f.ToString()));
        ours.SendMultipart(got);
        Assert.Equal("ping||2", Text(await theirs.ReceiveFramesAsync("the echo")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurPair_AndALibzmqPair_TalkBothWays(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var theirs = LibzmqPeer.Start(build, "pair", bind: true, bind.Endpoint);
        string endpoint = await theirs.WaitForReadyAsync();
        await using var ours = new PairSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        ours.Connect(endpoint);

        using (var m = new MultipartMessage("to", "libzmq"))
        {
            ours.SendMultipart(m);
        }
        Assert.Equal("to|libzmq", Text(await theirs.ReceiveFramesAsync("our message")));
        await theirs.SendFramesAsync(B("from"), B("libzmq"));
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
    [MemberData(nameof(Cases))]
    public async Task OurReq_AsksALibzmqRep_AndGetsItsReplies(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var rep = LibzmqPeer.Start(build, "rep", bind: true, bind.Endpoint);
        string endpoint = await rep.WaitForReadyAsync();
        await using var req = new RequestSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        req.Connect(endpoint);

        for (int i = 0; i < 2; i++)
        {
            req.Send($"q{i}");
            Assert.Equal($"q{i}", Text(await rep.ReceiveFramesAsync($"request {i}")));
            await rep.SendFramesAsync(B($"a{i}"), B("more"));
            using var reply = req.ReceiveMultipart();
            Assert.Equal([$"a{i}", "more"], reply.Select(f => f.ToString()));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ALibzmqReq_AsksOurRep_AndGetsItsReplies(string build, string transport)
    {
        await using var rep = new ResponseSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        rep.Bind(Transports.OurBind(transport));
        await using var req = LibzmqPeer.Start(build, "req", bind: false, rep.LastEndpoint!);
        await req.WaitForReadyAsync();

        for (int i = 0; i < 2; i++)
        {
            await req.SendFramesAsync(B($"q{i}"));
            Assert.Equal($"q{i}", rep.ReceiveString());
            rep.Send($"a{i}");
            Assert.Equal($"a{i}", Text(await req.ReceiveFramesAsync($"reply {i}")));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ALibzmqSubscribersSubscription_IsReceivedByOurXPub(string build, string transport)
    {
        await using var xpub = new XPublisherSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        xpub.Bind(Transports.OurBind(transport));
        await using var sub = LibzmqPeer.Start(build, "sub", bind: false, xpub.LastEndpoint!);
        await sub.WaitForReadyAsync();
        if (sub is NodePeer node)
        {
            await node.SubscribeAsync([]);   // the Debian peer subscribes to everything as it starts
        }

        var subscription = xpub.Receive();
        Assert.Equal([1], subscription.Span.ToArray());
        xpub.Send("to everyone");
        Assert.Equal("to everyone", Text(await sub.ReceiveFramesAsync("the publication")));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurXSubsSubscriptionMessage_SubscribesItToALibzmqPub(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var pub = LibzmqPeer.Start(build, "pub", bind: true, bind.Endpoint);
        string endpoint = await pub.WaitForReadyAsync();
        await using var xsub = new XSubscriberSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        xsub.Connect(endpoint);
        xsub.Send([1, (byte)'A']);

        Message got = default;
        for (int i = 0; i < 200 && got.Length == 0; i++)
        {
            await pub.SendFramesAsync(B("B: not subscribed"));
            await pub.SendFramesAsync(B("A: subscribed"));
            xsub.TryReceive(out got, TimeSpan.FromMilliseconds(25));
        }
        Assert.Equal("A: subscribed", got.ToString());
    }
}
