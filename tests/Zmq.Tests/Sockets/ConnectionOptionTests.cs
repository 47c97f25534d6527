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
    public async Task KernelBufferAndKeepaliveOptions_AreAcceptedAndTheConnectionWorks()
    {
        await using var server = NewServer();
        server.SendBufferSize = 256 * 1024;
        server.ReceiveBufferSize = 256 * 1024;
        server.TcpKeepalive = 1;
        server.TcpKeepaliveIdle = 30;
        server.TcpKeepaliveInterval = 5;
        server.TcpKeepaliveCount = 3;
        server.TypeOfService = 0x10;
        server.Bind(AnyEndpoint);
        await using var client = NewClient();
        client.SendBufferSize = 128 * 1024;
        client.ReceiveBufferSize = 128 * 1024;
        client.TcpKeepalive = 0;
        client.Connect(server.LastEndpoint!);
        var payload = new byte[300_000];
        client.Send(payload);
        var m = server.Receive();
        Assert.Equal(payload.Length, m.Length);
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
}

public sealed class ConnectionOptionsOverIpc : ConnectionOptionTests
{
    protected override string AnyEndpoint => "ipc://*";
}
