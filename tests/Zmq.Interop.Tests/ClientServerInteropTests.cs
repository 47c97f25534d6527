using System.Text.Json;

namespace Zmq.Interop.Tests;

/// <summary>Our CLIENT and SERVER against libzmq 4.3.5's, over tcp and ipc (a path and an abstract
/// name), whichever side binds.</summary>
public class ClientServerInteropTests
{
    private const int Count = 20;

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task OurClient_ConnectingToLibzmqServer_GetsEveryReply(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var peer = NodePeer.StartServer(bind: bind.Endpoint, count: Count);
        string endpoint = await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.Connect(endpoint);

        var messages = Ours.Messages(salt: 1, Count, 32);
        await Ours.ExchangeAsync(client, messages, peer);

        AssertServerReceived(await peer.WaitForDoneAsync(), messages);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task OurClient_Binding_ExchangesWithLibzmqServerThatConnects(string transport)
    {
        await using var client = Ours.Client();
        client.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.StartServer(connect: client.LastEndpoint, count: Count);
        await peer.WaitForReadyAsync();

        // Sent before libzmq has connected: our CLIENT must hold them until the peer arrives.
        var messages = Ours.Messages(salt: 2, Count, 32);
        await Ours.ExchangeAsync(client, messages, peer);

        AssertServerReceived(await peer.WaitForDoneAsync(), messages);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task LibzmqClient_ConnectingToOurServer_GetsItsMessagesEchoed(string transport)
    {
        await using var server = Ours.Server();
        server.Bind(Transports.OurBind(transport));
        using var stop = new CancellationTokenSource();
        var echo = Ours.EchoAsync(server, stop.Token);
        await using var peer = NodePeer.StartClient(Count, [32], salt: 3, connect: server.LastEndpoint);

        AssertClientVerified(await peer.WaitForDoneAsync(), Count, peer);
        await stop.CancelAsync();
        Assert.Single(await echo.WaitAsync(Ours.Wait));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task LibzmqClient_Binding_IsServedByOurServerConnecting(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var peer = NodePeer.StartClient(Count, [32], salt: 4, bind: bind.Endpoint);
        string endpoint = await peer.WaitForReadyAsync();
        await using var server = Ours.Server();
        server.Connect(endpoint);
        using var stop = new CancellationTokenSource();
        var echo = Ours.EchoAsync(server, stop.Token);

        AssertClientVerified(await peer.WaitForDoneAsync(), Count, peer);
        await stop.CancelAsync();
        Assert.Single(await echo.WaitAsync(Ours.Wait));
    }

    [Fact]
    public async Task OurServer_RoutesEachReplyOnlyToTheLibzmqClientThatSentIt()
    {
        const int clients = 4, perClient = 500;
        await using var server = Ours.Server();
        server.Bind("tcp://127.0.0.1:*");
        using var stop = new CancellationTokenSource();
        var echo = Ours.EchoAsync(server, stop.Token);

        // Each client's salt is in every message header, so a reply routed to the wrong client fails
        // that client's comparison. All four run at once so their traffic interleaves in our SERVER.
        var peers = Enumerable.Range(1, clients)
            .Select(i => NodePeer.StartClient(perClient, [8, 100, 300], salt: (uint)(100 + i), connect: server.LastEndpoint))
            .ToList();
        try
        {
            foreach (var peer in peers)
            {
                AssertClientVerified(await peer.WaitForDoneAsync(), perClient, peer);
            }
        }
        finally
        {
            foreach (var peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
        await stop.CancelAsync();
        Assert.Equal(clients, (await echo.WaitAsync(Ours.Wait)).Count);
    }

    internal static void AssertServerReceived(JsonElement done, IReadOnlyList<byte[]> sent)
    {
        Assert.Equal(sent.Count, done.GetProperty("received").GetInt32());
        Assert.Equal(sent.Sum(m => (long)m.Length), done.GetProperty("bytes").GetInt64());
        Assert.Equal(Payload.Digest(sent), done.GetProperty("sha256").GetString());
    }

    internal static void AssertClientVerified(JsonElement done, int count, NodePeer peer)
    {
        string report = done.GetRawText() + peer.Describe();
        Assert.True(done.GetProperty("ok").GetBoolean(), report);
        Assert.Equal(count, done.GetProperty("received").GetInt32());
        Assert.Equal(0, done.GetProperty("mismatches").GetInt32());
    }
}
