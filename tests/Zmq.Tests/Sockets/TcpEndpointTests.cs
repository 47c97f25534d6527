namespace Zmq.Tests.Sockets;

/// <summary>tcp endpoint forms of zmq_tcp(7).</summary>
public sealed class TcpEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static async Task AssertRoundTrip(string bind, Func<string, string> connectTo)
    {
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind(bind);
        await using var client = new ClientSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        client.Connect(connectTo(server.LastEndpoint!));
        client.Send("ping");
        var m = server.Receive();
        server.Send(m.RoutingId, "pong");
        Assert.Equal("pong", client.ReceiveString());
    }

    [Fact]
    public Task WildcardHostAndPort_ReportsTheRealPortInLastEndpoint() =>
        AssertRoundTrip("tcp://*:*", last =>
        {
            Assert.Matches(@"^tcp://0\.0\.0\.0:\d+$", last);
            return last.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        });

    [Fact]
    public Task PortZero_PicksAFreePort() =>
        AssertRoundTrip("tcp://127.0.0.1:0", last =>
        {
            Assert.DoesNotMatch(@":0$", last);
            return last;
        });

    [Fact]
    public Task Ipv6Literal_Works() =>
        AssertRoundTrip("tcp://[::1]:*", last =>
        {
            Assert.StartsWith("tcp://[::1]:", last, StringComparison.Ordinal);
            return last;
        });

    [Fact]
    public Task HostNameOnConnect_IsResolved() =>
        AssertRoundTrip("tcp://127.0.0.1:*", last => last.Replace("127.0.0.1", "localhost", StringComparison.Ordinal));

    [Fact]
    public async Task OneSocket_CanBindManyEndpointsAndConnectToo()
    {
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind("tcp://127.0.0.1:*");
        string first = server.LastEndpoint!;
        server.Bind("tcp://127.0.0.1:*");
        string second = server.LastEndpoint!;
        await using var far = new ClientSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        far.Bind("tcp://127.0.0.1:*");
        server.Connect(far.LastEndpoint!);

        await using var a = new ClientSocket { Linger = TimeSpan.Zero };
        await using var b = new ClientSocket { Linger = TimeSpan.Zero };
        a.Connect(first);
        b.Connect(second);
        a.Send("a");
        b.Send("b");
        far.Send("far");
        var got = new HashSet<string> { server.ReceiveString(), server.ReceiveString(), server.ReceiveString() };
        Assert.Equal(new HashSet<string> { "a", "b", "far" }, got);
    }

    [Fact]
    public async Task Unbind_StopsAcceptingAndFreesThePort()
    {
        await using var server = new ServerSocket { Linger = TimeSpan.Zero };
        string ep = Support.Endpoints.ReservedTcp();
        server.Bind(ep);
        server.Unbind(ep);
        await using var again = new ServerSocket { Linger = TimeSpan.Zero };
        again.Bind(ep);
        Assert.Equal(ep, again.LastEndpoint);
    }

    [Fact]
    public async Task Disconnect_StopsSendingToThatEndpoint()
    {
        await using var s1 = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        await using var s2 = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        s1.Bind("tcp://127.0.0.1:*");
        s2.Bind("tcp://127.0.0.1:*");
        await using var client = new ClientSocket { Linger = TimeSpan.Zero };
        client.Connect(s1.LastEndpoint!);
        client.Connect(s2.LastEndpoint!);
        client.Disconnect(s1.LastEndpoint!);
        for (int i = 0; i < 4; i++)
        {
            client.Send($"{i}");
        }
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal($"{i}", s2.ReceiveString());
        }
        Assert.False(s1.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }
}
