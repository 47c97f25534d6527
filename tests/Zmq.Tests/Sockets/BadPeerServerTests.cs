using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>How a SERVER treats what a raw CLIENT peer sends after a good handshake: multipart
/// messages, floods it drops, bad frames behind a full queue, pings, and a peer of its own type.</summary>
public sealed class BadPeerServerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task MultipartMessageFromAPeer_IsDroppedWholeAndTheConnectionKept()
    {
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.HandshakeAsync("CLIENT");
        await peer.SendAsync(
            RawPeer.MessageFrame("part 1", more: true), RawPeer.MessageFrame("part 2", more: true), RawPeer.MessageFrame("part 3"),
            RawPeer.MessageFrame("single"));
        Assert.Equal("single", server.ReceiveString());
        Assert.False(server.TryReceive(out _));
    }

    [Fact]
    public async Task BadFrameBehindMoreMessagesThanTheHwm_EndsTheConnectionAfterDeliveringThem()
    {
        // With a receive HWM of 5 the read loop parks (or hands reading to the receiver) long before
        // it reaches the bad frame: whichever thread decodes it, the connection ends with the reason,
        // and every message before it is delivered.
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, ReceiveHighWatermark = 5 };
        var events = server.Monitor();
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.HandshakeAsync("CLIENT");
        var frames = Enumerable.Range(0, 500).Select(i => RawPeer.MessageFrame($"m{i}")).Append([0x80, 0x01, 0x41]);
        await peer.SendAsync([.. frames]);

        for (int i = 0; i < 500; i++)
        {
            Assert.Equal($"m{i}", server.ReceiveString());
        }
        Assert.True(await peer.WaitClosedAsync(Timeout), "the socket must close the bad peer's connection");
        var gone = await events.NextAsync(SocketEventType.Disconnected);
        Assert.Contains("reserved", gone.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.False(server.TryReceive(out _));
    }

    [Fact]
    public async Task PeerStreamingOnlyDroppedFrames_DoesNotHoldUpANonBlockingReceive()
    {
        // The queue fills first, so reading passes to the receiver; then the peer streams multipart
        // messages, which a SERVER drops. A receiver reading for the loop must not keep reading them.
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, ReceiveHighWatermark = 5 };
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.HandshakeAsync("CLIENT");
        await peer.SendAsync([.. Enumerable.Range(0, 50).Select(i => RawPeer.MessageFrame($"m{i}"))]);
        var junk = Enumerable.Range(0, 1000).SelectMany(_ => new[] { RawPeer.MessageFrame("part", more: true), RawPeer.MessageFrame("dropped") }).ToArray();
        using var stop = new CancellationTokenSource();
        var streaming = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await peer.SendAsync(junk);
            }
        });

        for (int i = 0; i < 50; i++)
        {
            Assert.Equal($"m{i}", server.ReceiveString());
        }
        var polling = Task.Run(() => server.TryReceive(out _));
        Assert.Same(polling, await Task.WhenAny(polling, Task.Delay(Timeout)));
        Assert.False(await polling, "only dropped frames were sent");
        await stop.CancelAsync();
        await streaming;
        await peer.SendAsync(RawPeer.MessageFrame("after"));
        Assert.Equal("after", server.ReceiveString());
    }

    [Fact]
    public async Task PingFromAPeer_IsAnsweredWithPongCarryingItsContext()
    {
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.HandshakeAsync("CLIENT");
        await peer.SendAsync([0x04, 0x0A, 0x04, (byte)'P', (byte)'I', (byte)'N', (byte)'G', 0x00, 0x00, (byte)'L', (byte)'O', (byte)'L']);
        var pong = await peer.ReadExactlyAsync(10);
        Assert.Equal(new byte[] { 0x04, 0x08, 0x04, (byte)'P', (byte)'O', (byte)'N', (byte)'G', (byte)'L', (byte)'O', (byte)'L' }, pong);
    }

    [Fact]
    public async Task ClientDiallingAClient_GetsNoConnection()
    {
        await using var bound = new ClientSocket { Linger = TimeSpan.Zero };
        bound.Bind("tcp://127.0.0.1:*");
        await using var dialler = new ClientSocket { Linger = TimeSpan.Zero };
        dialler.Connect(bound.LastEndpoint!);
        dialler.Send("hello?");
        Assert.False(bound.TryReceive(out _, TimeSpan.FromMilliseconds(300)), "CLIENT must not accept CLIENT as a peer");
    }
}

/// <summary>The monitor's view of a bad peer.</summary>
public sealed class BadPeerMonitorTests
{
    [Fact]
    public async Task Monitor_ReportsTheHandshakeFailureReasonOfABadPeer()
    {
        await using var server = new ServerSocket { Linger = TimeSpan.Zero };
        var events = server.Monitor();
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await peer.SendAsync(RawPeer.Greeting(), RawPeer.Ready("DEALER"));
        var failed = await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("DEALER", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(server.LastEndpoint, failed.Endpoint);
    }
}
