namespace Zmq.Tests.Sockets;

/// <summary>The proxy (libzmq test_proxy, test_proxy_steerable) per transport: a ROUTER/DEALER
/// broker carrying requests and replies, a one-way PULL/PUSH streamer with a capture socket, and a
/// control socket that pauses, resumes, reports and terminates it.</summary>
public abstract class ProxyTests : TransportTestBase
{
    private static T Quiet<T>(T socket)
        where T : ZmqSocket
    {
        socket.SendTimeout = Timeout;
        socket.ReceiveTimeout = Timeout;
        socket.Linger = TimeSpan.Zero;
        return socket;
    }

    private T Bound<T>(T socket)
        where T : ZmqSocket
    {
        Quiet(socket).Bind(AnyEndpoint);
        return socket;
    }

    [Fact]
    public async Task RouterDealerBroker_CarriesRequestsAndRepliesBothWays()
    {
        await using var frontend = Bound(new RouterSocket());
        await using var backend = Bound(new DealerSocket());
        using var stop = new CancellationTokenSource();
        var proxy = Proxy.RunAsync(frontend, backend, cancellationToken: stop.Token);
        await using var rep = Quiet(new ResponseSocket());
        rep.Connect(backend.LastEndpoint!);
        await using var req = Quiet(new RequestSocket());
        req.Connect(frontend.LastEndpoint!);

        for (int i = 0; i < 3; i++)
        {
            req.Send($"request {i}");
            Assert.Equal($"request {i}", rep.ReceiveString());
            rep.Send($"reply {i}");
            Assert.Equal($"reply {i}", req.ReceiveString());
        }

        await stop.CancelAsync();
        await proxy.WaitAsync(Timeout);
    }

    [Fact]
    public async Task PullPushStreamer_RunsOneWay_AndCapturesEveryMessage()
    {
        await using var frontend = Bound(new PullSocket());
        await using var backend = Bound(new PushSocket());
        await using var capture = Bound(new PushSocket());
        await using var captured = Quiet(new PullSocket());
        captured.Connect(capture.LastEndpoint!);
        using var stop = new CancellationTokenSource();
        var proxy = Proxy.RunAsync(frontend, backend, capture, cancellationToken: stop.Token);
        await using var source = Quiet(new PushSocket());
        source.Connect(frontend.LastEndpoint!);
        await using var sink = Quiet(new PullSocket());
        sink.Connect(backend.LastEndpoint!);

        using (var m = new MultipartMessage("a", "b"))
        {
            source.SendMultipart(m);
        }
        using (var got = sink.ReceiveMultipart())
        {
            Assert.Equal(["a", "b"], got.Select(f => f.ToString()));
        }
        using (var copy = captured.ReceiveMultipart())
        {
            Assert.Equal(["a", "b"], copy.Select(f => f.ToString()));
        }

        await stop.CancelAsync();
        await proxy.WaitAsync(Timeout);
    }

    [Fact]
    public async Task XsubXpubForwarder_CarriesLargeMessagesWhole_ToEverySubscriber()
    {
        await using var frontend = Bound(new XSubscriberSocket());
        await using var backend = Bound(new XPublisherSocket());
        using var stop = new CancellationTokenSource();
        var proxy = Proxy.RunAsync(frontend, backend, cancellationToken: stop.Token);
        await using var first = Quiet(new SubscriberSocket());
        await using var second = Quiet(new SubscriberSocket());
        foreach (var sub in new[] { first, second })
        {
            sub.Connect(backend.LastEndpoint!);
            sub.Subscribe("");
        }
        // A publisher that feeds a subscriber of its own too shares each large payload among its
        // queues, so (over inproc) the proxy is handed a shared one, which it fans out again.
        await using var beside = Bound(new SubscriberSocket());
        beside.Subscribe("");
        await using var source = Quiet(new PublisherSocket());
        source.Connect(frontend.LastEndpoint!);
        source.Connect(beside.LastEndpoint!);
        var probe = new byte[100];
        probe[0] = (byte)'p';
        bool firstHeard = false, secondHeard = false;
        for (var deadline = DateTime.UtcNow + Timeout; !(firstHeard && secondHeard); )
        {
            Assert.True(DateTime.UtcNow < deadline, "the subscriptions never crossed the proxy");
            source.Send(probe);
            firstHeard |= first.TryReceive(out var m1, TimeSpan.FromMilliseconds(20)) && m1.Span[0] == 'p';
            secondHeard |= second.TryReceive(out var m2, TimeSpan.FromMilliseconds(20)) && m2.Span[0] == 'p';
        }

        // The proxy's subscribers take each message before the next is sent, the publisher's own
        // only at the end: a payload given back to the pool too early is rented again and overwritten.
        const int Count = 20;
        for (int i = 0; i < Count; i++)
        {
            source.Send(Payload(i));
            Assert.Equal(Payload(i), NextMessage(first));
            Assert.Equal(Payload(i), NextMessage(second));
        }
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(Payload(i), NextMessage(beside));
        }

        await stop.CancelAsync();
        await proxy.WaitAsync(Timeout);

        static byte[] NextMessage(SubscriberSocket sub)
        {
            Message m;
            do
            {
                m = sub.Receive();
            }
            while (m.Span[0] == 'p');
            return m.Span.ToArray();
        }

        static byte[] Payload(int n)
        {
            var bytes = new byte[1024];
            bytes[0] = (byte)'m';
            for (int j = 1; j < bytes.Length; j++)
            {
                bytes[j] = (byte)((n * 7 + j) % 251);
            }
            return bytes;
        }
    }

    [Fact]
    public async Task ControlSocket_PausesResumesReportsAndTerminates()
    {
        await using var frontend = Bound(new PullSocket());
        await using var backend = Bound(new PushSocket());
        // REP: each command is answered once it has taken effect (empty, or the statistics).
        await using var control = Bound(new ResponseSocket());
        await using var steer = Quiet(new RequestSocket());
        steer.Connect(control.LastEndpoint!);
        var proxy = Proxy.RunAsync(frontend, backend, control: control);
        await using var source = Quiet(new PushSocket());
        source.Connect(frontend.LastEndpoint!);
        await using var sink = Quiet(new PullSocket());
        sink.Connect(backend.LastEndpoint!);

        source.Send("before");
        Assert.Equal("before", sink.ReceiveString());

        steer.Send("PAUSE");
        Assert.Equal(0, steer.Receive().Length);
        // The pause lands between messages: the one the proxy was already waiting for may pass.
        source.Send("held 1");
        source.Send("held 2");
        var first = sink.ReceiveString();
        Assert.False(sink.TryReceive(out var early, TimeSpan.FromMilliseconds(200)), $"passed while paused: {early}");
        steer.Send("RESUME");
        Assert.Equal(0, steer.Receive().Length);
        Assert.Equal(first == "held 1" ? "held 2" : "held 1", sink.ReceiveString());

        steer.Send("STATISTICS");
        using (var stats = steer.ReceiveMultipart())
        {
            Assert.Equal(8, stats.Count);
            // Frontend received, frontend sent, backend received, backend sent: messages, bytes.
            Assert.Equal([3, 18, 0, 0, 0, 0, 3, 18], stats.Select(f => BitConverter.ToInt64(f.Span)));
        }

        steer.Send("TERMINATE");
        Assert.Equal(0, steer.Receive().Length);
        await proxy.WaitAsync(Timeout);
    }

    [Fact]
    public async Task APairControlSocket_GetsStatistics_AndNoReplyToTheOtherCommands()
    {
        await using var frontend = Bound(new PullSocket());
        await using var backend = Bound(new PushSocket());
        await using var control = Bound(new PairSocket());
        await using var steer = Quiet(new PairSocket());
        steer.Connect(control.LastEndpoint!);
        var proxy = Proxy.RunAsync(frontend, backend, control: control);

        steer.Send("RESUME");
        steer.Send("STATISTICS");
        using (var stats = steer.ReceiveMultipart())
        {
            Assert.Equal(8, stats.Count);
        }
        steer.Send("TERMINATE");
        await proxy.WaitAsync(Timeout);
        Assert.False(steer.TryReceive(out _));
    }

    [Fact]
    public async Task APairThatCarriesNothing_OrOneSocketTwice_IsRefused()
    {
        await using var push = new PushSocket();
        await using var other = new PushSocket();
        await using var pull = new PullSocket();
        await Assert.ThrowsAsync<ArgumentException>(() => Proxy.RunAsync(push, other));
        await Assert.ThrowsAsync<ArgumentException>(() => Proxy.RunAsync(pull, pull));
    }
}

public sealed class ProxyOverTcp : ProxyTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class ProxyOverIpc : ProxyTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class ProxyOverInproc : ProxyTests
{
    protected override string AnyEndpoint => $"inproc://proxy-{Guid.NewGuid():N}";
}
