using System.Net;
using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>A NULL server with a ZAP domain judges each libzmq 4.3.5 (zeromq.js) peer by its address,
/// as libzmq's NULL servers do: a refused peer gets ERROR with the status code, which libzmq reports
/// as an authentication failure, and nothing of it is delivered.</summary>
public class NullZapInteropTests
{
    [Theory]
    [InlineData("tcp")]
    public async Task ALibzmqNullClient_FromADeniedAddress_IsRefused_AndLibzmqSaysAuth(string transport)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().Deny(IPAddress.Loopback) };
        await using var server = new ServerSocket(context) { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero, ZapDomain = "edge" };
        server.Bind(Transports.OurBind(transport));
        var events = new MonitorEvents(server);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint });
        await peer.WaitForReadyAsync();
        await peer.SendAsync(Encoding.UTF8.GetBytes("must not arrive"));

        Assert.Contains("127.0.0.1 is denied", (await events.WaitForAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        await peer.WaitForEventAsync("handshake:error:auth");
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(200)));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmqNullClient_ThatTheRulesLetIn_TalksBothWays(string transport)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().Deny(IPAddress.Parse("192.0.2.1")) };
        await using var server = new ServerSocket(context) { ReceiveTimeout = Ours.Wait, SendTimeout = Ours.Wait, Linger = TimeSpan.Zero, ZapDomain = "edge" };
        server.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "client", Connect = server.LastEndpoint });
        await peer.WaitForReadyAsync();

        await peer.SendAsync(Encoding.UTF8.GetBytes("hello"));
        var m = await Ours.ReceiveAsync(server, "libzmq's message", peer);
        Assert.Equal("hello", m.ToString());
        // Let in by address alone: no user id.
        Assert.Null(m.Properties!.UserId);
        server.Send(m.RoutingId, "welcome");
        Assert.Equal("welcome", Encoding.UTF8.GetString((await peer.ReceiveAsync("our reply")).Body));
    }
}
