using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>Connection options with libzmq's meaning, over each transport.</summary>
public abstract class ConnectionOptionTests : TransportTestBase
{
    [Fact]
    public async Task Immediate_QueuesNothingBeforeAConnectionExists()
    {
        string endpoint = FreshEndpoint();
        await using var client = NewClient();
        client.Immediate = true;
        var events = client.Monitor();
        client.Connect(endpoint);
        Assert.False(client.TrySend("nobody to take this"u8), "with Immediate nothing queues before a connection");

        await using var server = NewServer();
        server.Bind(endpoint);
        await events.NextAsync(SocketEventType.HandshakeSucceeded);
        Assert.True(client.TrySend("now connected"u8));
        Assert.Equal("now connected", server.ReceiveString());
    }

    [Fact]
    public async Task WithoutImmediate_MessagesQueueForAConnectionNotYetMade()
    {
        string endpoint = FreshEndpoint();
        await using var client = NewClient();
        client.Connect(endpoint);
        Assert.True(client.TrySend("queued"u8));
        await using var server = NewServer();
        server.Bind(endpoint);
        Assert.Equal("queued", server.ReceiveString());
    }

    [Fact]
    public async Task KernelBufferSizes_TakeEffectOnBothEndsOfTheConnection()
    {
        await using var server = NewServer();
        server.SendBufferSize = 40_000;
        server.ReceiveBufferSize = 50_000;
        server.Bind(AnyEndpoint);
        await using var client = NewClient();
        client.SendBufferSize = 60_000;
        client.ReceiveBufferSize = 70_000;
        client.Connect(server.LastEndpoint!);
        var payload = new byte[300_000];
        client.Send(payload);
        Assert.Equal(payload.Length, server.Receive().Length);

        var (accepted, dialled) = OsSockets.ConnectionsOf(server.LastEndpoint!);
        int s = Assert.Single(accepted), c = Assert.Single(dialled);
        // Linux keeps twice the size asked for (the rest is its bookkeeping), as socket(7) says.
        Assert.Equal(2 * 40_000, OsSockets.Get(s, OsSockets.SolSocket, OsSockets.SoSndbuf));
        Assert.Equal(2 * 50_000, OsSockets.Get(s, OsSockets.SolSocket, OsSockets.SoRcvbuf));
        Assert.Equal(2 * 60_000, OsSockets.Get(c, OsSockets.SolSocket, OsSockets.SoSndbuf));
        Assert.Equal(2 * 70_000, OsSockets.Get(c, OsSockets.SolSocket, OsSockets.SoRcvbuf));
    }

    [Fact]
    public async Task ReconnectInterval_WithoutAMaximum_WaitsTheIntervalPlusRandomJitter()
    {
        await using var client = NewClient();
        client.ReconnectInterval = TimeSpan.FromMilliseconds(20);
        var events = client.Monitor();
        client.Connect(FreshEndpoint());
        var waits = new List<TimeSpan>();
        for (int i = 0; i < 8; i++)
        {
            waits.Add((await events.NextAsync(SocketEventType.ConnectRetried)).RetryIn!.Value);
        }
        // libzmq waits the interval plus up to one interval more, at random, so that peers cut off
        // together do not all dial again at the same moment.
        Assert.All(waits, w => Assert.InRange(w.TotalMilliseconds, 20, 40));
        Assert.True(waits.Distinct().Count() > 1, $"no jitter: every wait was {waits[0]}");
    }

    [Fact]
    public async Task ReconnectIntervalNegative_AnEndpointThatFailsOrIsLost_LeavesTheRouting()
    {
        await using var client = ClientThatNeverRedials(new RecordingLogger());
        await using var server = BoundServer();
        client.Connect(server.LastEndpoint!);
        client.Connect(FreshEndpoint());
        client.Send("while connected");
        Assert.Equal("while connected", server.ReceiveString());

        // Nothing listens at the second endpoint: its one dial fails and it leaves; then the first is lost.
        await server.DisposeAsync();

        await Wait.UntilAsync(() => !client.CanSend, "every endpoint has left the routing");
        Assert.False(client.TrySend("nowhere to go"u8));
    }

    [Fact]
    public async Task ReconnectIntervalNegative_MessagesQueuedForAnEndpointThatNeverConnects_AreDroppedWithALogEntry()
    {
        var log = new RecordingLogger();
        await using var client = ClientThatNeverRedials(log);
        using var listener = RawListener.Listen(AnyEndpoint);
        client.Connect(listener.Endpoint);
        // A peer that never finishes the handshake: the message stays queued until it hangs up.
        var peer = await listener.AcceptAsync(Timeout);
        client.Send("queued, never sent");
        await peer.DisposeAsync();

        await log.WaitForAsync(RecordingLogger.DroppedNotReconnectingId, "dropped 1 queued message");
        Assert.False(client.CanSend);
    }

    private static ClientSocket ClientThatNeverRedials(RecordingLogger log)
    {
        var client = NewClient();
        client.ReconnectInterval = System.Threading.Timeout.InfiniteTimeSpan;
        client.Logger = log;
        return client;
    }

    [Fact]
    public async Task ReconnectIntervalMax_BacksOffExponentially()
    {
        string endpoint = FreshEndpoint();
        await using var client = NewClient();
        client.ReconnectInterval = TimeSpan.FromMilliseconds(10);
        client.ReconnectIntervalMax = TimeSpan.FromMilliseconds(80);
        var events = client.Monitor();
        client.Connect(endpoint);
        var waits = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            waits.Add((await events.NextAsync(SocketEventType.ConnectRetried)).RetryIn!.Value);
        }
        Assert.Equal(
            new[] { 10, 20, 40, 80, 80 }.Select(ms => TimeSpan.FromMilliseconds(ms)),
            waits);
    }
}

public sealed class ConnectionOptionsOverTcp : ConnectionOptionTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";

    private static T WithKeepaliveAndTos<T>(T socket, int idle, int interval, int count, int tos) where T : ZmqSocket
    {
        socket.TcpKeepalive = 1;
        socket.TcpKeepaliveIdle = idle;
        socket.TcpKeepaliveInterval = interval;
        socket.TcpKeepaliveCount = count;
        socket.TypeOfService = tos;
        return socket;
    }

    [Fact]
    public async Task KeepaliveAndTypeOfService_TakeEffectOnBothEndsOfTheConnection()
    {
        await using var server = WithKeepaliveAndTos(NewServer(), 30, 5, 3, 0x10);
        server.Bind(AnyEndpoint);
        await using var client = WithKeepaliveAndTos(NewClient(), 40, 6, 4, 0x08);
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        Assert.Equal("hi", server.ReceiveString());

        var (accepted, dialled) = OsSockets.ConnectionsOf(server.LastEndpoint!);
        int s = Assert.Single(accepted), c = Assert.Single(dialled);
        foreach (var (fd, idle, interval, count, tos) in new[] { (s, 30, 5, 3, 0x10), (c, 40, 6, 4, 0x08) })
        {
            Assert.Equal(1, OsSockets.Get(fd, OsSockets.SolSocket, OsSockets.SoKeepalive));
            Assert.Equal(idle, OsSockets.Get(fd, OsSockets.IpprotoTcp, OsSockets.TcpKeepidle));
            Assert.Equal(interval, OsSockets.Get(fd, OsSockets.IpprotoTcp, OsSockets.TcpKeepintvl));
            Assert.Equal(count, OsSockets.Get(fd, OsSockets.IpprotoTcp, OsSockets.TcpKeepcnt));
            Assert.Equal(tos, OsSockets.Get(fd, OsSockets.IpprotoIp, OsSockets.IpTos));
        }
    }

    [Fact]
    public async Task TcpKeepaliveZero_TurnsKeepaliveOff()
    {
        await using var server = NewServer();
        server.TcpKeepalive = 1;
        server.Bind(AnyEndpoint);
        await using var client = NewClient();
        client.TcpKeepalive = 1;
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        server.Receive();
        await using var off = NewClient();
        off.TcpKeepalive = 0;
        off.Connect(server.LastEndpoint!);
        off.Send("hi");
        server.Receive();
        var (_, dialled) = OsSockets.ConnectionsOf(server.LastEndpoint!);
        Assert.Equal(2, dialled.Count);
        Assert.Equal([0, 1], dialled.Select(fd => OsSockets.Get(fd, OsSockets.SolSocket, OsSockets.SoKeepalive)).Order());
    }

    [Fact]
    public async Task SourceAndDestinationConnect_DialsFromTheSourceAddress()
    {
        await using var server = BoundServer();
        string source = Endpoints.ReservedTcp()["tcp://127.0.0.1:".Length..];
        await using var client = NewClient();
        client.Connect($"tcp://127.0.0.2:{source};{server.LastEndpoint!["tcp://".Length..]}");
        client.Send("from a chosen source");
        uint id = server.Receive().RoutingId;
        Assert.Equal($"127.0.0.2:{source}", server.GetPeer(id)!.PeerAddress);
    }
}

public sealed class ConnectionOptionsOverIpc : ConnectionOptionTests
{
    protected override string AnyEndpoint => "ipc://*";
}
