namespace Zmq.Tests.Sockets;

/// <summary>inproc rules of zmq_inproc(7).</summary>
public sealed class InprocEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static string Name() => $"inproc://inproc-test-{Guid.NewGuid():N}";

    [Fact]
    public async Task ConnectBeforeBind_QueuesUntilTheBindComes()
    {
        string name = Name();
        await using var client = new ClientSocket { Linger = TimeSpan.Zero };
        client.Connect(name);
        Assert.True(client.TrySend("early"u8));
        await using var server = new ServerSocket { ReceiveTimeout = Timeout };
        server.Bind(name);
        var m = server.Receive();
        Assert.Equal("early", m.ToString());
        server.Send(m.RoutingId, "reply");
        Assert.True(client.TryReceive(out var reply, Timeout));
        Assert.Equal("reply", reply.ToString());
    }

    [Fact]
    public async Task DuplicateBind_ThrowsAddressInUse()
    {
        string name = Name();
        await using var a = new ServerSocket();
        a.Bind(name);
        await using var b = new ServerSocket();
        Assert.Throws<AddressInUseException>(() => b.Bind(name));
    }

    [Fact]
    public async Task Names_AreScopedToTheirContext()
    {
        string name = Name();
        var other = new ZmqContext();
        await using var server = new ServerSocket(other) { ReceiveTimeout = Timeout };
        server.Bind(name);
        await using var sameName = new ServerSocket();
        sameName.Bind(name);
        await using var client = new ClientSocket(other);
        client.Connect(name);
        client.Send("to the other context");
        Assert.Equal("to the other context", server.ReceiveString());
        Assert.False(sameName.TryReceive(out _));
    }

    [Fact]
    public async Task EffectiveQueue_IsTheSumOfBothHighWatermarks()
    {
        string name = Name();
        await using var server = new ServerSocket { ReceiveHighWatermark = 7 };
        server.Bind(name);
        await using var client = new ClientSocket { SendHighWatermark = 5 };
        client.Connect(name);
        int accepted = 0;
        while (client.TrySend("x"u8))
        {
            accepted++;
        }
        Assert.Equal(12, accepted);
        Assert.True(server.TryReceive(out _));
        Assert.True(client.TrySend("room again"u8));
    }

    [Fact]
    public async Task IncompatiblePeer_IsRefusedWithAHandshakeFailedEvent_AndALogEntry()
    {
        string name = Name();
        await using var bound = new ClientSocket();
        bound.Bind(name);
        var log = new Support.RecordingLogger();
        await using var client = new ClientSocket { Linger = TimeSpan.Zero, Logger = log };
        var events = client.Monitor();
        client.Connect(name);
        var failed = await Support.Events.NextAsync(events, SocketEventType.HandshakeFailed);
        Assert.Contains("incompatible", failed.Reason, StringComparison.Ordinal);
        await log.WaitForAsync(Support.RecordingLogger.ProtocolErrorId, "incompatible");
        Assert.False(client.TrySend("x"u8));
    }

    [Fact]
    public async Task MessagesSentBeforeTheSenderClosed_StayReadable()
    {
        string name = Name();
        await using var server = new ServerSocket { ReceiveTimeout = Timeout };
        server.Bind(name);
        var client = new ClientSocket();
        client.Connect(name);
        for (int i = 0; i < 10; i++)
        {
            client.Send($"{i}");
        }
        await client.DisposeAsync();
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal($"{i}", server.ReceiveString());
        }
    }
}
