using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>ZMTP heartbeats: PING/PONG keep a quiet connection alive and find a silent peer.</summary>
public sealed class HeartbeatTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // The PONG must come back within the timeout even when the test machine stalls its thread pool
    // (stalls of up to a second were measured under this suite's load), so the timeout sits well
    // above that and the interval well below it.
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PongTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Heartbeat_SendsPingWithTheConfiguredTtl()
    {
        await using var server = new ServerSocket
        {
            Linger = TimeSpan.Zero,
            HeartbeatInterval = TimeSpan.FromMilliseconds(50),
            HeartbeatTtl = TimeSpan.FromSeconds(30),
        };
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.HandshakeAsync("CLIENT");
        // PING, TTL 300 deciseconds, no context.
        Assert.Equal(new byte[] { 0x04, 0x07, 0x04, (byte)'P', (byte)'I', (byte)'N', (byte)'G', 0x01, 0x2C }, await peer.ReadExactlyAsync(9));
    }

    [Fact]
    public async Task SilentPeer_IsDroppedAfterTheHeartbeatTimeout()
    {
        await using var server = new ServerSocket
        {
            Linger = TimeSpan.Zero,
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            HeartbeatTimeout = TimeSpan.FromMilliseconds(200),
        };
        var events = server.Monitor();
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.HandshakeAsync("CLIENT");
        // The peer never answers. No bound on when it is dropped (a loaded machine may run the
        // timer late): the reason says it was the heartbeat.
        Assert.True(await peer.WaitClosedAsync(Timeout), "a peer that answers no PING must be dropped");
        var dropped = await events.NextAsync(SocketEventType.Disconnected);
        Assert.Contains("heartbeat", dropped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PeerAskingForATtl_IsDroppedWhenItGoesQuietForThatLong()
    {
        await using var server = new ServerSocket { Linger = TimeSpan.Zero };
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.HandshakeAsync("CLIENT");
        // PING with TTL 3 deciseconds, then silence.
        await peer.SendAsync([0x04, 0x07, 0x04, (byte)'P', (byte)'I', (byte)'N', (byte)'G', 0x00, 0x03]);
        Assert.True(await peer.WaitClosedAsync(Timeout), "the TTL the peer asked for must be enforced");
    }

    [Fact]
    public async Task QuietConnectionWithHeartbeats_StaysUp()
    {
        await using var server = new ServerSocket
        {
            ReceiveTimeout = Timeout,
            Linger = TimeSpan.Zero,
            HeartbeatInterval = Interval,
            HeartbeatTimeout = PongTimeout,
        };
        var serverEvents = server.Monitor();
        server.Bind("tcp://127.0.0.1:*");
        await using var client = new ClientSocket
        {
            ReceiveTimeout = Timeout,
            Linger = TimeSpan.Zero,
            HeartbeatInterval = Interval,
            HeartbeatTimeout = PongTimeout,
        };
        var clientEvents = client.Monitor();
        client.Connect(server.LastEndpoint!);
        client.Send("first");
        uint id = server.Receive().RoutingId;
        // Idle for longer than the timeout, so that the connection is alive only because each PING is
        // answered: only PING/PONG traffic flows meanwhile. (What is waited for here is time itself.)
        await Task.Delay(PongTimeout * 2.5);
        client.Send("second");
        var m = server.Receive();
        Assert.Equal("second", m.ToString());
        Assert.Equal(id, m.RoutingId);
        Assert.Equal([id], server.Peers);
        foreach (var events in new[] { serverEvents, clientEvents })
        {
            while (events.TryRead(out var e))
            {
                Assert.NotEqual(SocketEventType.Disconnected, e.Type);
            }
        }
    }
}

/// <summary>A connecting socket whose peer goes silent drops the connection and dials again.</summary>
public sealed class HeartbeatRedialTests
{
    [Fact]
    public async Task SilentServer_IsDroppedByTheHeartbeatAndRedialled()
    {
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((System.Net.IPEndPoint)listener.LocalEndPoint!).Port;
        var accepted = new List<System.Net.Sockets.Socket>();
        using var stop = new CancellationTokenSource();
        // A SERVER that completes the handshake and then never answers anything (a frozen process).
        var frozenServer = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var s = await listener.AcceptAsync(stop.Token);
                    lock (accepted)
                    {
                        accepted.Add(s);
                    }
                    await s.SendAsync(RawPeer.Greeting().Concat(RawPeer.Ready("SERVER")).ToArray(), System.Net.Sockets.SocketFlags.None);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await using var client = new ClientSocket
        {
            Linger = TimeSpan.Zero,
            ReconnectInterval = TimeSpan.FromMilliseconds(10),
            HeartbeatInterval = TimeSpan.FromMilliseconds(50),
            HeartbeatTimeout = TimeSpan.FromMilliseconds(200),
        };
        var events = client.Monitor();
        client.Connect($"tcp://127.0.0.1:{port}");
        await events.NextAsync(SocketEventType.HandshakeSucceeded);
        var dropped = await events.NextAsync(SocketEventType.Disconnected);
        Assert.Contains("heartbeat", dropped.Reason, StringComparison.Ordinal);
        await events.NextAsync(SocketEventType.Connected);
        await events.NextAsync(SocketEventType.HandshakeSucceeded);
        lock (accepted)
        {
            Assert.True(accepted.Count >= 2, "the client must dial again after the heartbeat drop");
            accepted.ForEach(s => s.Dispose());
        }
        await stop.CancelAsync();
        await frozenServer;
    }
}
