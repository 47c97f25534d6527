namespace Zmq.Interop.Tests;

/// <summary>What our monitor reports about libzmq peers, and how our sockets treat a libzmq peer of
/// a type outside the CLIENT/SERVER pattern.</summary>
public class MonitorInteropTests
{
    [Fact]
    public async Task OurServersMonitor_NamesTheLibzmqClientAndTheRoutingIdItsMessagesCarry()
    {
        await using var server = Ours.Server();
        var events = new MonitorEvents(server);
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint });
        await peer.SendAsync("x"u8.ToArray());
        var m = await Ours.ReceiveAsync(server, "the libzmq client's message", peer);

        var accepted = await events.WaitForAsync(SocketEventType.Accepted);
        var handshake = await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        Assert.Equal("CLIENT", handshake.PeerSocketType);
        Assert.Equal(m.RoutingId, handshake.RoutingId);
        Assert.Equal(server.LastEndpoint, handshake.Endpoint);
        Assert.Equal(accepted.PeerAddress, handshake.PeerAddress);
        var info = server.GetPeer(m.RoutingId);
        Assert.NotNull(info);
        Assert.Equal("CLIENT", info.SocketType);
        Assert.Equal(handshake.PeerAddress, info.PeerAddress);
    }

    [Fact]
    public async Task OurClientsMonitor_NamesTheLibzmqServer()
    {
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "server", Bind = "tcp://127.0.0.1:*" });
        string endpoint = await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        var events = new MonitorEvents(client);
        client.Connect(endpoint);

        var connected = await events.WaitForAsync(SocketEventType.Connected);
        var handshake = await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        Assert.Equal("SERVER", handshake.PeerSocketType);
        Assert.Equal(endpoint, handshake.Endpoint);
        Assert.Equal(connected.PeerAddress, handshake.PeerAddress);
        // The handshake is reported once libzmq can take messages: one sent now arrives.
        await client.SendAsync("after the handshake"u8.ToArray());
        Assert.Equal("after the handshake"u8.ToArray(), (await peer.ReceiveAsync("our message")).Body);
    }

    [Fact]
    public async Task OurServer_KeepsServingALibzmqClient_AfterALibzmqDealerTriedToConnect()
    {
        await using var server = Ours.Server();
        var events = new MonitorEvents(server);
        server.Bind("tcp://127.0.0.1:*");
        using var stop = new CancellationTokenSource();
        var echo = Ours.EchoAsync(server, stop.Token);

        // zeromq.js's classic DEALER: a valid ZMTP 3 peer, of a type a SERVER must not talk to.
        await using var dealer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "dealer", Connect = server.LastEndpoint });
        await dealer.WaitForEventAsync("disconnect");
        Assert.Empty(server.Peers);

        await using var client = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint });
        await client.SendAsync("still serving"u8.ToArray());
        Assert.Equal("still serving"u8.ToArray(), (await client.ReceiveAsync("the echo")).Body);
        var handshake = await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        Assert.Equal("CLIENT", handshake.PeerSocketType);
        await stop.CancelAsync();
        Assert.Equal(handshake.RoutingId, Assert.Single(await echo.WaitAsync(Ours.Wait)));
    }

    [Fact]
    public async Task OurServer_ReportsHandshakeFailedNamingTheSocketType_WhenALibzmqDealerConnects()
    {
        await using var server = Ours.Server();
        var events = new MonitorEvents(server);
        server.Bind("tcp://127.0.0.1:*");

        await using var dealer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "dealer", Connect = server.LastEndpoint });

        var failed = await events.WaitForAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("socket type", failed.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("DEALER", failed.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dealer")]
    [InlineData("router")]
    public async Task OurClient_StopsRedialling_AfterALibzmqPeerOfAnIncompatibleType(string socketType)
    {
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = socketType, Bind = "tcp://127.0.0.1:*" });
        string endpoint = await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.ReconnectInterval = TimeSpan.FromMilliseconds(10);
        var events = new MonitorEvents(client);
        client.Connect(endpoint);

        var failed = await events.WaitForAsync(SocketEventType.HandshakeFailed);
        Assert.Contains(socketType.ToUpperInvariant(), failed.Reason, StringComparison.Ordinal);

        // A protocol error is final, as in libzmq: still dialling every 10 ms would show up here as
        // some thirty Connected events.
        var after = await events.CollectAsync(TimeSpan.FromMilliseconds(300));
        Assert.True(!after.Any(e => e.Type is SocketEventType.Connected or SocketEventType.ConnectRetried or SocketEventType.HandshakeFailed),
            $"our CLIENT dialled the {socketType} again: {string.Join("; ", after)}. {events.Describe()}");
    }
}
