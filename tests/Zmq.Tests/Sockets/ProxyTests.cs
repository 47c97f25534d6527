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

public sealed class ProxyOverInproc : ProxyTests
{
    protected override string AnyEndpoint => $"inproc://proxy-{Guid.NewGuid():N}";
}
