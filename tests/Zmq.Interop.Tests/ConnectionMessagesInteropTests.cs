using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>The draft hello / disconnect / hiccup messages (libzmq ZMQ_HELLO_MSG, ZMQ_DISCONNECT_MSG,
/// ZMQ_HICCUP_MSG) between our sockets and libzmq's, set on either side.</summary>
public class ConnectionMessagesInteropTests
{
    private const string Hello = "hello from the server";
    private const string Gone = "a peer has gone";
    private const string Hiccup = "connection lost";

    [Fact]
    public async Task OurServersHelloMessage_IsTheFirstMessageALibzmqClientReceives()
    {
        await using var server = Ours.Server();
        server.HelloMessage = Encoding.UTF8.GetBytes(Hello);
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint });

        // Our reply is sent as soon as we can address the client, so it competes with the hello for
        // first place on the wire: the hello must still be first.
        await peer.SendAsync("ping"u8.ToArray());
        var ping = await Ours.ReceiveAsync(server, "the libzmq client's ping", peer);
        await server.SendAsync(ping.RoutingId, "pong"u8.ToArray());

        AssertText(Hello, (await peer.ReceiveAsync("the hello")).Body, "first message at the libzmq client");
        AssertText("pong", (await peer.ReceiveAsync("the pong")).Body, "second message at the libzmq client");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OurServersDisconnectMessage_ArrivesWithTheRoutingIdOfTheLibzmqClientThatWent(bool killed)
    {
        await using var server = Ours.Server();
        server.DisconnectMessage = Encoding.UTF8.GetBytes(Gone);
        server.Bind("tcp://127.0.0.1:*");
        await using var leaving = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint });
        await using var staying = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint });
        uint leavingId = await RoutingIdOfAsync(server, leaving);
        uint stayingId = await RoutingIdOfAsync(server, staying);

        // Killed: the kernel closes (or resets) the connection. Closed: libzmq closes it itself.
        if (killed)
        {
            await leaving.KillAsync();
        }
        else
        {
            await leaving.SendLineAsync("CLOSE");
        }

        var notice = await Ours.ReceiveAsync(server, "the disconnect message", leaving);
        AssertText(Gone, notice.Buffer, "message after the libzmq client went");
        Assert.Equal(leavingId, notice.RoutingId);
        Assert.Equal(stayingId, Assert.Single(server.Peers));
    }

    [Fact]
    public async Task OurClientsHiccupMessage_ArrivesWhenTheLibzmqServerProcessIsKilled()
    {
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "server", Bind = "tcp://127.0.0.1:*" });
        string endpoint = await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.HiccupMessage = Encoding.UTF8.GetBytes(Hiccup);
        var events = new MonitorEvents(client);
        client.Connect(endpoint);
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);

        await peer.KillAsync();

        // Nothing else was sent to us, so the first message received can only be the hiccup.
        AssertText(Hiccup, (await Ours.ReceiveAsync(client, "the hiccup message", peer)).Buffer, "message after the libzmq server was killed");
        await events.WaitForAsync(SocketEventType.Disconnected);
    }

    [Fact]
    public async Task LibzmqServersHelloMessage_IsTheFirstMessageOurClientReceives()
    {
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "server", Bind = "tcp://127.0.0.1:*", HelloMsg = Hello });
        string endpoint = await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.Connect(endpoint);

        await client.SendAsync("ping"u8.ToArray());
        var (routingId, ping) = await peer.ReceiveAsync("our ping");
        AssertText("ping", ping, "message at the libzmq server");
        await peer.SendAsync("pong"u8.ToArray(), routingId);

        AssertText(Hello, (await Ours.ReceiveAsync(client, "the hello", peer)).Buffer, "first message at our client");
        AssertText("pong", (await Ours.ReceiveAsync(client, "the pong", peer)).Buffer, "second message at our client");
    }

    [Fact]
    public async Task LibzmqServersDisconnectMessage_CarriesTheRoutingIdOfOurClientThatClosed()
    {
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "server", Bind = "tcp://127.0.0.1:*", DisconnectMsg = Gone });
        string endpoint = await peer.WaitForReadyAsync();
        var client = Ours.Client();
        client.Connect(endpoint);
        await client.SendAsync("hi"u8.ToArray());
        var (ourId, _) = await peer.ReceiveAsync("our first message");

        await client.DisposeAsync();

        var (noticeId, notice) = await peer.ReceiveAsync("libzmq's disconnect message");
        AssertText(Gone, notice, "message at the libzmq server after our client closed");
        Assert.Equal(ourId, noticeId);
    }

    [Fact]
    public async Task LibzmqClientsHiccupMessage_ArrivesWhenOurServerDropsItsConnection()
    {
        await using var server = Ours.Server();
        var events = new MonitorEvents(server);
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint, HiccupMsg = Hiccup });
        uint id = await RoutingIdOfAsync(server, peer);

        Assert.True(server.DisconnectPeer(id));

        AssertText(Hiccup, (await peer.ReceiveAsync("libzmq's hiccup message")).Body, "message at the libzmq client after we dropped it");
        // libzmq re-dials after a hiccup, and we accept it as a new peer.
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        var again = await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        Assert.NotEqual(id, again.RoutingId);
    }

    /// <summary>Has the libzmq CLIENT send a message and returns the routing id our SERVER sees on it.</summary>
    private static async Task<uint> RoutingIdOfAsync(ServerSocket server, NodePeer client)
    {
        await client.SendAsync("who am I"u8.ToArray());
        return (await Ours.ReceiveAsync(server, "the libzmq client's first message", client)).RoutingId;
    }

    private static void AssertText(string expected, byte[] actual, string what) =>
        Assert.True(Encoding.UTF8.GetBytes(expected).AsSpan().SequenceEqual(actual), $"{what}: expected \"{expected}\", got \"{Encoding.UTF8.GetString(actual)}\"");
}
