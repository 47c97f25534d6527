using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>A malformed or hostile peer loses its own connection and nothing else: the socket keeps
/// serving its other peers and none of their messages is lost.</summary>
public sealed class BadPeerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Runs a bad peer against a SERVER that is busy with a good CLIENT, and checks that the
    /// bad connection is closed while every message of the good client gets through.</summary>
    private static async Task AssertOnlyTheBadPeerIsDropped(Func<RawPeer, Task> misbehave, Action<ServerSocket>? configure = null)
    {
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        configure?.Invoke(server);
        server.Bind("tcp://127.0.0.1:*");
        await using var good = new ClientSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        good.Connect(server.LastEndpoint!);
        good.Send("before");
        var first = server.Receive();
        Assert.Equal("before", first.ToString());

        await using var bad = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await misbehave(bad);
        Assert.True(await bad.WaitClosedAsync(Timeout), "the socket must close the bad peer's connection");

        for (int i = 0; i < 100; i++)
        {
            good.Send($"after {i}");
        }
        for (int i = 0; i < 100; i++)
        {
            var m = server.Receive();
            Assert.Equal($"after {i}", m.ToString());
            Assert.Equal(first.RoutingId, m.RoutingId);
        }
        server.Send(first.RoutingId, "still serving");
        Assert.Equal("still serving", good.ReceiveString());
    }

    [Fact]
    public Task GarbageInsteadOfAGreeting_ClosesThatConnectionOnly() =>
        AssertOnlyTheBadPeerIsDropped(p => p.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()));

    [Fact]
    public Task WrongSignatureByte9_ClosesThatConnectionOnly()
    {
        var greeting = RawPeer.Greeting();
        greeting[9] = 0x00;
        return AssertOnlyTheBadPeerIsDropped(p => p.SendAsync(greeting));
    }

    [Fact]
    public Task ZmtpVersion2Peer_IsRefused()
    {
        var greeting = RawPeer.Greeting(major: 2);
        return AssertOnlyTheBadPeerIsDropped(p => p.SendAsync(greeting));
    }

    [Fact]
    public Task UnsupportedMechanism_ClosesThatConnectionOnly() =>
        AssertOnlyTheBadPeerIsDropped(p => p.SendAsync(RawPeer.Greeting("PLAIN"), RawPeer.Ready("CLIENT")));

    [Theory]
    [InlineData("DEALER")]
    [InlineData("SERVER")]
    [InlineData("client")]
    public Task IncompatibleSocketType_ClosesThatConnectionOnly(string socketType) =>
        AssertOnlyTheBadPeerIsDropped(p => p.SendAsync(RawPeer.Greeting(), RawPeer.Ready(socketType)));

    [Fact]
    public Task MessageFrameInsteadOfReady_ClosesThatConnectionOnly() =>
        AssertOnlyTheBadPeerIsDropped(p => p.SendAsync(RawPeer.Greeting(), RawPeer.MessageFrame("hello")));

    [Fact]
    public Task TruncatedFrameThenClose_LosesOnlyThePartialFrame() =>
        AssertOnlyTheBadPeerIsDropped(async p =>
        {
            await p.HandshakeAsync("CLIENT");
            await p.SendAsync([0x00, 200, 1, 2, 3]);
            await p.DisposeAsync();
        });

    [Fact]
    public Task FrameOverMaxMessageSize_ClosesThatConnectionBeforeBufferingIt() =>
        AssertOnlyTheBadPeerIsDropped(
            async p =>
            {
                await p.HandshakeAsync("CLIENT");
                // Announce 1 GiB and send none of it: the header alone must end the connection.
                await p.SendAsync([0x02, 0, 0, 0, 0, 0x40, 0, 0, 0]);
            },
            s => s.MaxMessageSize = 1024);

    [Fact]
    public Task CommandWithImpossibleLength_ClosesThatConnectionOnly() =>
        AssertOnlyTheBadPeerIsDropped(async p =>
        {
            await p.HandshakeAsync("CLIENT");
            // A long command frame whose size has the top bit set: beyond ZMTP's 2^63-1.
            await p.SendAsync([0x06, 0x80, 0, 0, 0, 0, 0, 0, 0]);
        });

    [Fact]
    public Task CommandNameLongerThanItsFrame_ClosesThatConnectionOnly() =>
        AssertOnlyTheBadPeerIsDropped(async p =>
        {
            await p.HandshakeAsync("CLIENT");
            await p.SendAsync([0x04, 0x03, 0x09, (byte)'P', (byte)'I']);
        });

    [Fact]
    public Task ReservedFlagBits_CloseThatConnectionOnly() =>
        AssertOnlyTheBadPeerIsDropped(async p =>
        {
            await p.HandshakeAsync("CLIENT");
            await p.SendAsync([0x80, 0x01, 0x41]);
        });

    [Fact]
    public Task SilentPeer_IsClosedAfterTheHandshakeInterval() =>
        AssertOnlyTheBadPeerIsDropped(_ => Task.CompletedTask, s => s.HandshakeInterval = TimeSpan.FromMilliseconds(200));

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

/// <summary>What a connecting socket does after a peer broke the protocol, and the monitor's view of it.</summary>
public sealed class BadPeerReconnectTests
{
    [Fact]
    public async Task ConnectingSide_StopsRedialingAfterAProtocolError()
    {
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        int port = ((System.Net.IPEndPoint)listener.LocalEndPoint!).Port;
        int accepted = 0;
        using var stop = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var s = await listener.AcceptAsync(stop.Token);
                    Interlocked.Increment(ref accepted);
                    await s.SendAsync("this is not ZMTP"u8.ToArray(), System.Net.Sockets.SocketFlags.None);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await using var client = new ClientSocket { Linger = TimeSpan.Zero, ReconnectInterval = TimeSpan.FromMilliseconds(10) };
        var events = client.Monitor();
        client.Connect($"tcp://127.0.0.1:{port}");
        var failed = await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("signature", failed.Reason, StringComparison.Ordinal);
        // At a 10 ms reconnect interval a re-dialling socket would connect dozens of times meanwhile.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Equal(1, Volatile.Read(ref accepted));
        await stop.CancelAsync();
        await acceptLoop;
    }

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
