using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>PLAIN (RFC 24) between our sockets and libzmq 4.3.5's, both roles, over each stream
/// transport. libzmq's PLAIN server asks a ZAP handler (peer.js runs one in its own process's
/// context); ours asks the context's <see cref="ZmqAuthenticator"/>.</summary>
public class PlainInteropTests
{
    private static readonly Dictionary<string, string> Users = new() { ["admin"] = "secret" };

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurPlainClient_IsLetInByALibzmqPlainServer_AndMessagesFlowBothWays(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "server", Bind = bind.Endpoint, PlainServer = true, PlainUsers = Users });
        await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.PlainUserName = "admin";
        client.PlainPassword = "secret";
        client.Connect(bind.Endpoint);

        client.Send("hello");
        var (routingId, body) = await peer.ReceiveAsync("our client's message");
        Assert.Equal("hello", Encoding.UTF8.GetString(body));
        await peer.WaitForLineAsync("ZAP admin 200");
        await peer.SendAsync(Encoding.UTF8.GetBytes("welcome"), routingId);
        Assert.Equal("welcome", (await Ours.ReceiveAsync(client, "libzmq's reply", peer)).ToString());
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurPlainClient_WithAWrongPassword_IsRefusedByLibzmq_AndSaysWhy(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "server", Bind = bind.Endpoint, PlainServer = true, PlainUsers = Users });
        await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.PlainUserName = "admin";
        client.PlainPassword = "guess";
        var events = new MonitorEvents(client);
        client.Connect(bind.Endpoint);
        _ = client.TrySend("must not arrive");

        var failed = await events.WaitForAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("400", failed.Reason, StringComparison.Ordinal);
        await peer.WaitForLineAsync("ZAP admin 400");
        Assert.DoesNotContain(peer.Lines, l => l.StartsWith("MSG ", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmqPlainClient_IsLetInByOurPlainServer_UnderItsUserId_AndMessagesFlowBothWays(string transport)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowPlainUser("admin", "secret") };
        await using var server = new ServerSocket(context) { ReceiveTimeout = Ours.Wait, SendTimeout = Ours.Wait, Linger = TimeSpan.Zero, PlainServer = true };
        server.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint, PlainUsername = "admin", PlainPassword = "secret" });
        await peer.WaitForReadyAsync();

        await peer.SendAsync(Encoding.UTF8.GetBytes("hello"));
        var m = await Ours.ReceiveAsync(server, "libzmq's message", peer);
        Assert.Equal("hello", m.ToString());
        // What libzmq announced, and whom the authenticator let in.
        Assert.Equal("CLIENT", m.Properties!.SocketType);
        Assert.Equal("admin", m.Properties.UserId);
        server.Send(m.RoutingId, "welcome");
        var (_, body) = await peer.ReceiveAsync("our reply");
        Assert.Equal("welcome", Encoding.UTF8.GetString(body));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmqPlainClient_WithAWrongPassword_IsRefusedByOurServer_WhichSaysWhy(string transport)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowPlainUser("admin", "secret") };
        await using var server = new ServerSocket(context) { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, PlainServer = true };
        server.Bind(Transports.OurBind(transport));
        var events = new MonitorEvents(server);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint, PlainUsername = "admin", PlainPassword = "guess" });
        await peer.WaitForReadyAsync();
        await peer.SendAsync(Encoding.UTF8.GetBytes("must not arrive"));

        var failed = await events.WaitForAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("wrong password", failed.Reason, StringComparison.Ordinal);
        // libzmq reads our ERROR 400 as an authentication failure.
        await peer.WaitForEventAsync("handshake:error:auth");
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(200)));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurPlainReq_AsksALibzmq434PlainRep_ThatLetsItIn(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var rep = PythonPeer.Start("rep", bind: true, bind.Endpoint, ("plain-server", "admin:secret"));
        await rep.WaitForReadyAsync();
        await using var req = new RequestSocket { ReceiveTimeout = Ours.Wait, SendTimeout = Ours.Wait, Linger = TimeSpan.Zero, PlainUserName = "admin", PlainPassword = "secret" };
        req.Connect(bind.Endpoint);

        req.Send("question");
        var frames = await rep.ReceiveFramesAsync("our request");
        Assert.Equal("question", Encoding.UTF8.GetString(frames[^1]));
        await rep.SendFramesAsync(Encoding.UTF8.GetBytes("answer"));
        Assert.Equal("answer", req.ReceiveString());
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmq434PlainDealer_IsLetInByOurPlainRouter_ButNotWithAnotherPassword(string transport)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowPlainUser("admin", "secret") };
        await using var router = new RouterSocket(context) { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, PlainServer = true };
        router.Bind(Transports.OurBind(transport));
        var events = new MonitorEvents(router);

        await using (var intruder = PythonPeer.Start("dealer", bind: false, router.LastEndpoint!, ("plain-client", "admin:guess")))
        {
            await intruder.WaitForReadyAsync();
            await intruder.SendFramesAsync(Encoding.UTF8.GetBytes("must not arrive"));
            Assert.Contains("wrong password", (await events.WaitForAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        }
        await using var dealer = PythonPeer.Start("dealer", bind: false, router.LastEndpoint!, ("plain-client", "admin:secret"));
        await dealer.WaitForReadyAsync();
        await dealer.SendFramesAsync(Encoding.UTF8.GetBytes("hello"));
        using var m = router.ReceiveMultipart();
        Assert.Equal("hello", m[^1].ToString());
    }
}
