using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>Monitor events name the endpoint and, on a SERVER, the routing id of the peer they
/// concern; SERVER knows its peers; libzmq's hello, disconnect and hiccup messages.</summary>
public abstract class MonitorTests : TransportTestBase
{
    [Fact]
    public async Task Server_ReportsListeningAcceptedHandshakeAndDisconnectedWithTheRoutingId()
    {
        await using var server = NewServer();
        var events = server.Monitor();
        server.Bind(AnyEndpoint);
        var listening = await events.NextAsync(SocketEventType.Listening);
        Assert.Equal(server.LastEndpoint, listening.Endpoint);

        var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        uint id = server.Receive().RoutingId;
        await events.NextAsync(SocketEventType.Accepted);
        var handshake = await events.NextAsync(SocketEventType.HandshakeSucceeded);
        Assert.Equal(id, handshake.RoutingId);
        Assert.Equal("CLIENT", handshake.PeerSocketType);
        Assert.Equal(server.LastEndpoint, handshake.Endpoint);

        await client.DisposeAsync();
        var gone = await events.NextAsync(SocketEventType.Disconnected);
        Assert.Equal(id, gone.RoutingId);
        Assert.NotNull(gone.Reason);
    }

    [Fact]
    public async Task Client_ReportsConnectRetriedUntilTheServerBindsThenConnectedAndHandshake()
    {
        string endpoint = FreshEndpoint();
        await using var client = NewClient();
        var events = client.Monitor();
        client.Connect(endpoint);
        var retry = await events.NextAsync(SocketEventType.ConnectRetried);
        Assert.Equal(endpoint, retry.Endpoint);
        Assert.NotNull(retry.RetryIn);

        await using var server = NewServer();
        server.Bind(endpoint);
        await events.NextAsync(SocketEventType.Connected);
        var handshake = await events.NextAsync(SocketEventType.HandshakeSucceeded);
        Assert.Equal("SERVER", handshake.PeerSocketType);
    }

    [Fact]
    public async Task Unbind_ReportsClosed_AndBindFailure_ReportsBindFailed()
    {
        await using var server = NewServer();
        var events = server.Monitor();
        server.Bind(AnyEndpoint);
        string ep = server.LastEndpoint!;
        server.Unbind(ep);
        Assert.Equal(ep, (await events.NextAsync(SocketEventType.Closed)).Endpoint);

        // An ipc path is taken over by a later bind (as in libzmq), an abstract name is not.
        await using var holder = NewServer();
        holder.Bind(AnyEndpoint.StartsWith("ipc://", StringComparison.Ordinal) ? $"ipc://@zmq-test-{Guid.NewGuid():N}" : AnyEndpoint);
        Assert.Throws<AddressInUseException>(() => server.Bind(holder.LastEndpoint!));
        Assert.Equal(holder.LastEndpoint, (await events.NextAsync(SocketEventType.BindFailed)).Endpoint);
    }

    [Fact]
    public async Task Monitor_CompletesWhenTheSocketIsDisposed()
    {
        var server = NewServer();
        var events = server.Monitor();
        await server.DisposeAsync();
        await events.Completion.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Server_DisconnectMessageTellsTheApplicationWhichClientLeft()
    {
        await using var server = NewServer();
        server.DisconnectMessage = "bye"u8.ToArray();
        server.Bind(AnyEndpoint);
        await using var stays = NewClient();
        var leaves = NewClient();
        var ids = ConnectAndLearnIds(server, ("stays", stays), ("leaves", leaves));
        await leaves.DisposeAsync();
        var notice = server.Receive();
        Assert.Equal("bye", notice.ToString());
        Assert.Equal(ids["leaves"], notice.RoutingId);
    }

    [Fact]
    public async Task Client_HiccupMessageArrivesWhenItsConnectionDrops()
    {
        var server = BoundServer();
        string ep = server.LastEndpoint!;
        await using var client = NewClient();
        client.HiccupMessage = "hiccup"u8.ToArray();
        client.Connect(ep);
        client.Send("hi");
        server.Receive();
        await server.DisposeAsync();
        Assert.Equal("hiccup", client.ReceiveString());
    }

    [Fact]
    public async Task HelloMessage_IsTheFirstMessageEveryNewPeerGets()
    {
        await using var server = NewServer();
        server.HelloMessage = "welcome"u8.ToArray();
        server.Bind(AnyEndpoint);
        await using var client = NewClient();
        client.HelloMessage = "hello from client"u8.ToArray();
        client.Connect(server.LastEndpoint!);
        Assert.Equal("welcome", client.ReceiveString());
        var first = server.Receive();
        Assert.Equal("hello from client", first.ToString());
        Assert.NotEqual(0u, first.RoutingId);
    }

    [Fact]
    public async Task Server_DisconnectPeerClosesThatClientOnly()
    {
        await using var server = BoundServer();
        await using var a = NewClient();
        await using var b = NewClient();
        a.HiccupMessage = "a lost its server"u8.ToArray();
        var ids = ConnectAndLearnIds(server, ("a", a), ("b", b));
        Assert.Equal(2, server.PeerCount);
        Assert.True(server.DisconnectPeer(ids["a"]));
        Assert.Equal("a lost its server", a.ReceiveString());
        Assert.DoesNotContain(ids["a"], server.Peers);
        Assert.Equal(1, server.PeerCount);
        Assert.False(server.DisconnectPeer(ids["a"]));
        server.Send(ids["b"], "b still served");
        Assert.Equal("b still served", b.ReceiveString());
    }

    [Fact]
    public async Task Server_GetPeerReportsTheEndpointAddressAndSocketType()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        uint id = server.Receive().RoutingId;
        var peer = server.GetPeer(id);
        Assert.NotNull(peer);
        Assert.Equal(id, peer.RoutingId);
        Assert.Equal("CLIENT", peer.SocketType);
        Assert.Equal(server.LastEndpoint, peer.Endpoint);
        Assert.False(string.IsNullOrEmpty(peer.PeerAddress));
        Assert.Null(server.GetPeer(id + 1));
    }
}

public sealed class MonitorOverTcp : MonitorTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class MonitorOverIpc : MonitorTests
{
    protected override string AnyEndpoint => "ipc://*";
}
