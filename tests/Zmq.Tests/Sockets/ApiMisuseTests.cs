namespace Zmq.Tests.Sockets;

/// <summary>Wrong use of the API throws a specific exception whose message says what to do.</summary>
public sealed class ApiMisuseTests
{
    [Fact]
    public void OptionsOutOfRange_Throw_AndANullLoggerLogsNowhere()
    {
        using var socket = new ClientSocket();
        Assert.Throws<ArgumentOutOfRangeException>(() => socket.HandshakeInterval = TimeSpan.FromSeconds(-2));
        Assert.Throws<ArgumentOutOfRangeException>(() => socket.HandshakeInterval = TimeSpan.FromDays(30));
        socket.HandshakeInterval = Timeout.InfiniteTimeSpan;
        // Refused when set, not found out later as a failed bind or an endless re-dial.
        foreach (var (set, option) in new (Action, string)[]
        {
            (() => socket.SendBufferSize = -2, "SendBufferSize"),
            (() => socket.ReceiveBufferSize = -5, "ReceiveBufferSize"),
            (() => socket.TypeOfService = 256, "TypeOfService"),
            (() => socket.TcpKeepalive = 2, "TcpKeepalive"),
            (() => socket.TcpKeepaliveIdle = 0, "TcpKeepaliveIdle"),
            (() => socket.TcpKeepaliveCount = -3, "TcpKeepaliveCount"),
            (() => socket.TcpKeepaliveInterval = 0, "TcpKeepaliveInterval"),
            (() => socket.Backlog = -1, "Backlog"),
        })
        {
            Assert.Contains(option, Assert.Throws<ArgumentOutOfRangeException>(set).Message, StringComparison.Ordinal);
        }
        socket.SendBufferSize = -1;
        socket.TypeOfService = 0x10;
        socket.Logger = null!;
        Assert.Same(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, socket.Logger);
    }

    [Fact]
    public async Task ATimeoutLongerThanOneWaitCanBe_IsWaitedOutInSlices_NotRefused()
    {
        var socket = new ServerSocket { ReceiveTimeout = TimeSpan.FromDays(100) };
        var receiving = Task.Run(() => socket.Receive());
        // Some of the runtime's waits refuse more than int.MaxValue ms (ManualResetEventSlim does); the
        // socket's must not, whichever it uses.
        await Support.Wait.UntilAsync(() => socket.Core().HasWaitingReceivers || receiving.IsCompleted, "the receive waits");

        await socket.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => receiving);
    }

    [Fact]
    public async Task BindRacingDispose_LeavesNoListenerOpen()
    {
        for (int i = 0; i < 200; i++)
        {
            var socket = new ServerSocket { Linger = TimeSpan.Zero };
            var binding = Task.Run(() =>
            {
                try
                {
                    socket.Bind("tcp://127.0.0.1:*");
                }
                catch (ObjectDisposedException)
                {
                }
            });
            await socket.DisposeAsync();
            await binding;

            // Whatever won, nothing listens once both are done.
            if (socket.LastEndpoint is { } endpoint)
            {
                var (address, family) = Support.RawPeer.ParseEndpoint(endpoint);
                using var probe = new System.Net.Sockets.Socket(family, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                var refused = await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => probe.ConnectAsync(address));
                Assert.Equal(System.Net.Sockets.SocketError.ConnectionRefused, refused.SocketErrorCode);
            }
        }
    }

    [Fact]
    public async Task LingerOfTimeSpanMaxValue_IsInfinite_AndDisposeStillReturns()
    {
        var socket = new ClientSocket { Linger = TimeSpan.MaxValue };
        socket.Connect("tcp://127.0.0.1:1");

        await socket.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => socket.Send("x"));
    }

    [Theory]
    [InlineData("127.0.0.1:5555")]
    [InlineData("tcp://")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("tcp://127.0.0.1:99999")]
    [InlineData("tcp://::1:5555")]
    public async Task BadEndpointString_ThrowsInvalidEndpoint(string endpoint)
    {
        await using var s = new ServerSocket();
        var e = Assert.ThrowsAny<InvalidEndpointException>(() => s.Bind(endpoint));
        Assert.Contains(endpoint, e.Message, StringComparison.Ordinal);
        Assert.ThrowsAny<InvalidEndpointException>(() => s.Connect(endpoint));
    }

    [Fact]
    public async Task UnknownTransport_ThrowsTransportNotSupported()
    {
        await using var s = new ClientSocket();
        var e = Assert.Throws<TransportNotSupportedException>(() => s.Connect("carrier-pigeon://loft:1"));
        Assert.Contains("carrier-pigeon", e.Message, StringComparison.Ordinal);
        Assert.Contains("tcp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectWithWildcardPort_ThrowsInvalidEndpoint()
    {
        await using var s = new ClientSocket();
        Assert.ThrowsAny<InvalidEndpointException>(() => s.Connect("tcp://127.0.0.1:*"));
    }

    [Fact]
    public async Task BindToAPortInUse_ThrowsAddressInUse()
    {
        await using var a = new ServerSocket();
        a.Bind("tcp://127.0.0.1:*");
        await using var b = new ServerSocket();
        var e = Assert.Throws<AddressInUseException>(() => b.Bind(a.LastEndpoint!));
        Assert.Equal(ZmqError.AddressInUse, e.Error);
        Assert.Contains(a.LastEndpoint!, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnbindOfAnEndpointNotBound_ThrowsInvalidEndpoint()
    {
        await using var s = new ServerSocket();
        s.Bind("tcp://127.0.0.1:*");
        Assert.ThrowsAny<InvalidEndpointException>(() => s.Unbind("tcp://127.0.0.1:1"));
        s.Unbind(s.LastEndpoint!);
    }

    [Fact]
    public async Task NegativeHighWatermark_ThrowsArgumentOutOfRange()
    {
        await using var s = new ClientSocket();
        Assert.Throws<ArgumentOutOfRangeException>(() => s.SendHighWatermark = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => s.ReceiveHighWatermark = -1);
    }

    [Fact]
    public async Task DisposeTwice_IsHarmless()
    {
        var s = new ServerSocket();
        s.Bind("tcp://127.0.0.1:*");
        s.Dispose();
        await s.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => s.Bind("tcp://127.0.0.1:*"));
    }
}
