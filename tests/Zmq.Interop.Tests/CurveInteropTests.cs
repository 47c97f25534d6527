using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>CURVE (RFC 25/26) between our sockets and libzmq's: 4.3.5 (zeromq.js) in both roles with
/// CLIENT/SERVER, 4.3.4 (python3-zmq) with classic types, over each stream transport. libzmq
/// without a ZAP handler lets every client key in; ours does without an authenticator.</summary>
public class CurveInteropTests
{
    private static readonly CurveKeyPair ServerKeys = CurveKeyPair.Generate();

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurCurveClient_TalksToALibzmqCurveServer_BothWays(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var peer = NodePeer.Start(new PeerConfig
        {
            Mode = "interactive", Socket = "server", Bind = bind.Endpoint,
            CurveServer = true, CurveSecretKey = ServerKeys.SecretKeyZ85, CurvePublicKey = ServerKeys.PublicKeyZ85,
        });
        await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.CurveServerKey = ServerKeys.PublicKey;
        client.Connect(bind.Endpoint);

        var big = new byte[70_000];
        Random.Shared.NextBytes(big);
        client.Send("hello");
        client.Send(big);
        var (routingId, body) = await peer.ReceiveAsync("our client's first message");
        Assert.Equal("hello", Encoding.UTF8.GetString(body));
        Assert.Equal(big, (await peer.ReceiveAsync("our client's large message")).Body);
        await peer.SendAsync(Encoding.UTF8.GetBytes("welcome"), routingId);
        Assert.Equal("welcome", (await Ours.ReceiveAsync(client, "libzmq's reply", peer)).ToString());
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmqCurveClient_TalksToOurCurveServer_BothWays(string transport)
    {
        await using var server = new ServerSocket(new ZmqContext()) { ReceiveTimeout = Ours.Wait, SendTimeout = Ours.Wait, Linger = TimeSpan.Zero, CurveServer = true, CurveCertificate = ServerKeys };
        server.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint, CurveServerKey = ServerKeys.PublicKeyZ85 });
        await peer.WaitForReadyAsync();

        await peer.SendAsync(Encoding.UTF8.GetBytes("hello"));
        var m = await Ours.ReceiveAsync(server, "libzmq's message", peer);
        Assert.Equal("hello", m.ToString());
        server.Send(m.RoutingId, "welcome");
        Assert.Equal("welcome", Encoding.UTF8.GetString((await peer.ReceiveAsync("our reply")).Body));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmqCurveClient_WhoseKeyOurAuthenticatorDoesNotKnow_IsRefused_AndSaysAuth(string transport)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowCurveKey(CurveKeyPair.Generate().PublicKey) };
        await using var server = new ServerSocket(context) { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, CurveServer = true, CurveCertificate = ServerKeys };
        server.Bind(Transports.OurBind(transport));
        var events = new MonitorEvents(server);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint, CurveServerKey = ServerKeys.PublicKeyZ85 });
        await peer.WaitForReadyAsync();
        await peer.SendAsync(Encoding.UTF8.GetBytes("must not arrive"));

        Assert.Contains("not among the allowed", (await events.WaitForAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        await peer.WaitForEventAsync("handshake:error:auth");
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(200)));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurCurveDealer_AndALibzmq434CurveRouter_BothWays(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var router = PythonPeer.Start("router", bind: true, bind.Endpoint, ("curve-server", $"{ServerKeys.PublicKeyZ85}:{ServerKeys.SecretKeyZ85}"));
        await router.WaitForReadyAsync();
        await using var dealer = new DealerSocket { ReceiveTimeout = Ours.Wait, SendTimeout = Ours.Wait, Linger = TimeSpan.Zero, CurveServerKey = ServerKeys.PublicKey };
        dealer.Connect(bind.Endpoint);

        dealer.Send("part one", more: true);
        dealer.Send("part two", more: false);
        var frames = await router.ReceiveFramesAsync("our multipart message");
        Assert.Equal(["part one", "part two"], frames[1..].Select(f => Encoding.UTF8.GetString(f)));
        await router.SendFramesAsync(frames[0], Encoding.UTF8.GetBytes("back"));
        Assert.Equal("back", dealer.ReceiveString());
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmq434CurvePush_ReachesOurCurvePull(string transport)
    {
        await using var pull = new PullSocket(new ZmqContext()) { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, CurveServer = true, CurveCertificate = ServerKeys };
        pull.Bind(Transports.OurBind(transport));
        await using var push = PythonPeer.Start("push", bind: false, pull.LastEndpoint!, ("curve-client", ServerKeys.PublicKeyZ85));
        await push.WaitForReadyAsync();
        await push.SendFramesAsync(Encoding.UTF8.GetBytes("pushed"));
        Assert.Equal("pushed", pull.ReceiveString());
    }
}
