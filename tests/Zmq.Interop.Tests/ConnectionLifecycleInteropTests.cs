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
