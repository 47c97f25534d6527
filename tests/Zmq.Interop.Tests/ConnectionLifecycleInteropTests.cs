namespace Zmq.Interop.Tests;

/// <summary>Connections to libzmq that outlive idle time and peer restarts.</summary>
public class ConnectionLifecycleInteropTests
{
    [Fact]
    public async Task OurServer_AnswersLibzmqHeartbeatPings_SoAnIdleConnectionIsNotDropped()
    {
        await using var server = Ours.Server();
        server.Bind("tcp://127.0.0.1:*");
        using var stop = new CancellationTokenSource();
        var echo = Ours.EchoAsync(server, stop.Token);

        // libzmq PINGs every 100 ms and drops the connection if 500 ms pass with nothing back. The
        // client idles 1.5 s between its two messages, so only our PONGs keep the one connection alive.
        await using var peer = NodePeer.Start(new PeerConfig
        {
            Mode = "client",
            Connect = server.LastEndpoint,
            Count = 2,
            Sizes = [16],
            Salt = 12,
            PauseMs = 1500,
            HeartbeatIntervalMs = 100,
            HeartbeatTimeoutMs = 500,
        });

        var done = await peer.WaitForDoneAsync();
        ClientServerInteropTests.AssertClientVerified(done, 2, peer);
        int disconnects = done.GetProperty("disconnects").GetInt32();
        Assert.True(disconnects == 0, $"libzmq dropped the connection {disconnects} time(s): our PONGs did not arrive within its heartbeat timeout. {done}");
        Assert.Equal(1, done.GetProperty("handshakes").GetInt32());
        await stop.CancelAsync();
        Assert.Single(await echo.WaitAsync(Ours.Wait));
    }

    [Fact]
    public async Task OurServerSendsHeartbeatPings_ToAnIdleLibzmqClient_WhosePongsKeepTheConnection()
    {
        await using var server = Ours.Server();
        server.HeartbeatInterval = TimeSpan.FromMilliseconds(100);
        // Ten intervals of slack: the test host can stall pool threads for most of a second (see the
        // csproj), and a late PONG is not what this test is about; a missing one is.
        server.HeartbeatTimeout = TimeSpan.FromSeconds(1);
        var events = new MonitorEvents(server);
        server.Bind("tcp://127.0.0.1:*");
        // The libzmq client connects through a relay that records the ZMTP commands each way: neither
        // socket reports the PINGs and PONGs it exchanges, the wire does.
        await using var tap = ZmtpTap.Start(server.LastEndpoint!);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = tap.Endpoint });
        var handshake = await events.WaitForAsync(SocketEventType.HandshakeSucceeded);

        // libzmq has no heartbeat of its own here and sends nothing, so for 2 s (20 of our PINGs, two
        // heartbeat timeouts) its PONGs are the only thing that keeps our side from dropping it.
        var idle = await events.CollectAsync(TimeSpan.FromSeconds(2));
        Assert.True(idle.Count == 0, $"the idle connection changed state: {string.Join("; ", idle)}. {events.Describe()}");
        Assert.Equal(handshake.RoutingId, Assert.Single(server.Peers));
        Assert.DoesNotContain("EVENT disconnect", peer.Lines);

        // On the wire: PINGs from us (libzmq sends none of its own), each answered by a PONG from
        // libzmq. Counted against a deadline, not the clock: a loaded machine may tick late.
        await Ours.WaitUntilAsync(
            () => tap.FromTarget.Count("PING") >= 5 && tap.FromConnector.Count("PONG") >= 5,
            () => $"5 PINGs from our server and 5 PONGs from libzmq; we sent {tap.FromTarget.Describe()}; libzmq sent {tap.FromConnector.Describe()}");
        Assert.Equal(0, tap.FromConnector.Count("PING"));
        // RFC 37: PING is a 2-byte TTL then the context; the PONG echoes the context.
        byte[] ping = tap.FromTarget.Data("PING")[0];
        Assert.True(ping.Length >= 2, $"a PING of {ping.Length} bytes has no TTL");
        Assert.Equal(ping[2..], tap.FromConnector.Data("PONG")[0]);
        Assert.Equal(1, tap.Connections);

        // Still the same connection, and it still carries messages both ways.
        await peer.SendAsync("still here"u8.ToArray());
        var m = await Ours.ReceiveAsync(server, "the libzmq client's message after the idle period", peer);
        Assert.Equal(handshake.RoutingId, m.RoutingId);
        await server.SendAsync(m.RoutingId, "reply"u8.ToArray());
        Assert.Equal("reply"u8.ToArray(), (await peer.ReceiveAsync("our reply after the idle period")).Body);
    }

    [Fact]
    public async Task OurClient_ReconnectsToALibzmqServerRestartedOnTheSamePort()
    {
        var events = new ConnectionEvents();
        await using var client = Ours.Client();
        client.Logger = events;
        await using var first = NodePeer.StartServer(bind: "tcp://127.0.0.1:*", count: 1);
        string endpoint = await first.WaitForReadyAsync();
        client.Connect(endpoint);
        byte[] before = Payload.Make(13, 0, 32), after = Payload.Make(13, 1, 32);
        await Ours.ExchangeAsync(client, [before], first);
        await events.WaitForAsync(ConnectionEvents.Connected, Ours.Wait);

        await first.DisposeAsync();
        await events.WaitForAsync(ConnectionEvents.Disconnected, Ours.Wait);

        // libzmq binds with SO_REUSEADDR, so the port is free again at once.
        await using var second = NodePeer.StartServer(bind: endpoint, count: 1);
        Assert.Equal(endpoint, await second.WaitForReadyAsync());
        // Sending only after the new handshake: a message written to the dying connection may be
        // lost, in libzmq as here, and that is not what this test is about.
        await events.WaitForAsync(ConnectionEvents.Connected, Ours.Wait);
        await Ours.ExchangeAsync(client, [after], second);

        ClientServerInteropTests.AssertServerReceived(await second.WaitForDoneAsync(), [after]);
    }
}
