using System.Net;
using Zmq.Engine.Mechanisms;
using Zmq.Tests.Sockets;
using Zmq.Tests.Support;

namespace Zmq.Tests.Security;

/// <summary>PLAIN (RFC 24; libzmq test_security_plain) over each stream transport: the credentials
/// a client presents, the server's authenticator, and what a refused or mismatched peer gets.</summary>
public abstract class PlainTests : TransportTestBase
{
    private static ServerSocket PlainServer(ZmqContext context) =>
        new(context) { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero, PlainServer = true };

    private static ClientSocket PlainClient(string user, string password) =>
        new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero, PlainUserName = user, PlainPassword = password };

    private ServerSocket BoundPlainServer(ZmqContext context)
    {
        var server = PlainServer(context);
        server.Bind(AnyEndpoint);
        return server;
    }

    [Fact]
    public async Task AKnownUserWithItsPassword_GetsIn_AndMessagesFlowBothWays()
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowPlainUser("admin", "secret") };
        await using var server = BoundPlainServer(context);
        await using var client = PlainClient("admin", "secret");
        client.Connect(server.LastEndpoint!);
        client.Send("hello");
        var m = server.Receive();
        Assert.Equal("hello", m.ToString());
        server.Send(m.RoutingId, "welcome");
        Assert.Equal("welcome", client.ReceiveString());
    }

    [Fact]
    public async Task TheUserTheAuthenticatorLetIn_IsTheUserIdOfEveryMessage_InEveryReceiveForm()
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowPlainUser("admin", "secret") };
        await using var pull = new PullSocket(context) { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, PlainServer = true };
        pull.Bind(AnyEndpoint);
        await using var push = new PushSocket { Linger = TimeSpan.Zero, PlainUserName = "admin", PlainPassword = "secret" };
        push.Connect(pull.LastEndpoint!);
        push.Send("one");
        push.SendMultipart(new MultipartMessage("two", "parts"));
        push.Send("three");

        var one = pull.Receive();
        Assert.Equal("admin", one.Properties!.UserId);
        Assert.Equal("admin", one.Properties[MessageProperties.UserIdName]);
        Assert.Equal("PUSH", one.Properties.SocketType);
        Assert.Equal("PUSH", one.Properties["socket-type"]);
        using var multipart = new MultipartMessage();
        pull.ReceiveMultipart(multipart);
        Assert.Equal("admin", multipart.Properties!.UserId);
        Assert.Same(multipart.Properties, multipart[1].Properties);
        using var buffer = pull.ReceiveBuffer();
        Assert.Equal("admin", buffer.Properties!.UserId);
        // One object per connection, shared by its messages.
        Assert.Same(one.Properties, buffer.Properties);
    }

    [Theory]
    [InlineData("pub-sub")]
    [InlineData("push-pull")]
    [InlineData("req-rep")]
    [InlineData("dealer-router")]
    [InlineData("pair-pair")]
    [InlineData("scatter-gather")]
    [InlineData("radio-dish")]
    public async Task EverySocketType_TalksOverPlain_WithItsPatternIntact(string pair)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowPlainUser("u", "p") };
        (ZmqSocket server, ZmqSocket client) = pair switch
        {
            "pub-sub" => ((ZmqSocket)new PublisherSocket(context), (ZmqSocket)new SubscriberSocket()),
            "push-pull" => (new PullSocket(context), new PushSocket()),
            "req-rep" => (new ResponseSocket(context), new RequestSocket()),
            "dealer-router" => (new RouterSocket(context), new DealerSocket()),
            "pair-pair" => (new PairSocket(context), new PairSocket()),
            "scatter-gather" => (new GatherSocket(context), new ScatterSocket()),
            _ => (new RadioSocket(context), new DishSocket()),
        };
        await using var s = server;
        await using var c = client;
        foreach (var socket in new[] { server, client })
        {
            socket.Linger = TimeSpan.Zero;
            socket.ReceiveTimeout = Timeout;
            socket.SendTimeout = Timeout;
        }
        server.PlainServer = true;
        client.PlainUserName = "u";
        client.PlainPassword = "p";
        (client as SubscriberSocket)?.Subscribe("");
        (client as DishSocket)?.Join("g");
        server.Bind(AnyEndpoint);
        client.Connect(server.LastEndpoint!);

        switch (server)
        {
            case PublisherSocket pub:
                // The subscription crossed the handshake: probe until the first one is delivered.
                await Wait.UntilAsync(() => { pub.Send("x"); return ((SubscriberSocket)client).TryReceive(out _, TimeSpan.FromMilliseconds(20)); }, "a publication to arrive");
                break;
            case RadioSocket radio:
                await Wait.UntilAsync(() => { radio.Send("g", "x"); return ((DishSocket)client).TryReceive(out _, TimeSpan.FromMilliseconds(20)); }, "a group message to arrive");
                break;
            case RouterSocket router:
                ((DealerSocket)client).Send("to the router");
                using (var m = router.ReceiveMultipart())
                {
                    Assert.Equal("to the router", m[^1].ToString());
                }
                break;
            default:
                ((ISendingSocket)client).Send("hello");
                Assert.Equal("hello", ((IReceivingSocket)server).ReceiveString());
                break;
        }
    }

    [Fact]
    public async Task WithoutAnAuthenticator_AnyUserGetsIn()
    {
        await using var server = BoundPlainServer(new ZmqContext());
        await using var client = PlainClient("anyone", "");
        client.Connect(server.LastEndpoint!);
        client.Send("in");
        Assert.Equal("in", server.ReceiveString());
    }

    [Theory]
    [InlineData("admin", "wrong", "wrong password")]
    [InlineData("nobody", "secret", "no such user")]
    public async Task ARefusedClient_DeliversNothing_AndBothSidesSayWhy(string user, string password, string why)
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowPlainUser("admin", "secret") };
        await using var server = BoundPlainServer(context);
        var serverEvents = server.Monitor();
        await using var client = PlainClient(user, password);
        var clientEvents = client.Monitor();
        client.Connect(server.LastEndpoint!);
        _ = client.TrySend("must not arrive");

        var refused = await serverEvents.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains(why, refused.Reason, StringComparison.Ordinal);
        Assert.Contains($"'{user}'", refused.Reason, StringComparison.Ordinal);
        var told = await clientEvents.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("400", told.Reason, StringComparison.Ordinal);
        Assert.Contains("denied", told.Reason, StringComparison.Ordinal);
        Assert.False(server.TryReceive(out var leaked, TimeSpan.FromMilliseconds(200)), $"delivered: {leaked}");
    }

    /// <summary>A command frame (short form) with this body.</summary>
    private static byte[] Command(params byte[] body) => [0x04, (byte)body.Length, .. body];

    private static readonly byte[] HelloName = [5, .. "HELLO"u8];
    private static readonly byte[] InitiateName = [8, .. "INITIATE"u8];

    [Theory]
    [InlineData("hello-cut-short", "cut short")]
    [InlineData("hello-password-overruns", "password field says")]
    [InlineData("initiate-metadata-overruns", "malformed metadata")]
    [InlineData("message-before-hello", "commands only")]
    public async Task AMalformedHandshake_ClosesThatConnectionOnly_SayingWhy_AndAGoodClientStillGetsIn(string shape, string why)
    {
        await using var server = BoundPlainServer(new ZmqContext());
        var events = server.Monitor();
        await using var raw = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await raw.SendAsync(RawPeer.Greeting("PLAIN"));
        await raw.ReadExactlyAsync(64);
        byte[] goodHello = Command([.. HelloName, 1, (byte)'u', 1, (byte)'p']);
        switch (shape)
        {
            case "hello-cut-short":
                await raw.SendAsync(Command([.. HelloName, 3, (byte)'u']));
                break;
            case "hello-password-overruns":
                await raw.SendAsync(Command([.. HelloName, 1, (byte)'u', 9, (byte)'p']));
                break;
            case "initiate-metadata-overruns":
                await raw.SendAsync(goodHello);
                await raw.ReadShortFrameAsync();
                // A property of 11 bytes' name "Socket-Type" that claims 200 bytes of value.
                await raw.SendAsync(Command([.. InitiateName, 11, .. "Socket-Type"u8, 0, 0, 0, 200, .. "CLIENT"u8]));
                break;
            default:
                await raw.SendAsync(RawPeer.MessageFrame("data"));
                break;
        }
        Assert.Contains(why, (await events.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.True(await raw.WaitClosedAsync(Timeout), "the bad connection is closed");

        await using var client = PlainClient("u", "p");
        client.Connect(server.LastEndpoint!);
        client.Send("still serving");
        Assert.Equal("still serving", server.ReceiveString());
    }

    [Fact]
    public async Task ARefusedClient_DoesNotDialAgain()
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator() };
        await using var server = BoundPlainServer(context);
        var events = server.Monitor();
        await using var client = PlainClient("x", "y");
        client.ReconnectInterval = TimeSpan.FromMilliseconds(10);
        client.Connect(server.LastEndpoint!);
        await events.NextAsync(SocketEventType.HandshakeFailed);

        // As libzmq's session after a failed handshake: the refusal is final, not a reason to retry.
        // Thirty re-dial intervals pass: any event of the server's in that window must not be a new
        // connection (the first one fails the test at once).
        using var window = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        try
        {
            while (true)
            {
                var e = await events.ReadAsync(window.Token);
                Assert.NotEqual(SocketEventType.Accepted, e.Type);
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
        }
    }

    [Fact]
    public async Task ANullClient_AndAPlainServer_DoNotTalk_AndSaySo()
    {
        await using var server = BoundPlainServer(new ZmqContext());
        var events = server.Monitor();
        await using var client = NewClient();
        client.Linger = TimeSpan.Zero;
        client.Connect(server.LastEndpoint!);
        _ = client.TrySend("must not arrive");
        var failed = await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Contains("NULL", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("PLAIN", failed.Reason, StringComparison.Ordinal);
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task TwoPlainClients_DoNotTalk()
    {
        await using var bound = new ServerSocket { Linger = TimeSpan.Zero, PlainUserName = "a", PlainPassword = "b" };
        bound.Bind(AnyEndpoint);
        var events = bound.Monitor();
        await using var client = PlainClient("a", "b");
        client.Connect(bound.LastEndpoint!);
        _ = client.TrySend("must not arrive");
        await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.False(bound.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task ADeniedAddress_IsRefused_AndAnotherAllowedOne_ShutsOutTheRest()
    {
        var auth = new ZmqAuthenticator().AllowPlainUser("admin", "secret").Deny(IPAddress.Loopback);
        await using var server = BoundPlainServer(new ZmqContext { Authenticator = auth });
        var events = server.Monitor();
        await using var client = PlainClient("admin", "secret");
        client.Connect(server.LastEndpoint!);
        if (!HasAddresses)
        {
            // ipc has no addresses: the rule does not apply, and the credentials decide.
            client.Send("in");
            Assert.Equal("in", server.ReceiveString());
            return;
        }
        Assert.Contains("denied", (await events.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);

        var onlyOther = new ZmqAuthenticator().AllowPlainUser("admin", "secret").Allow(IPAddress.Parse("10.1.2.3"));
        await using var other = BoundPlainServer(new ZmqContext { Authenticator = onlyOther });
        var otherEvents = other.Monitor();
        await using var second = PlainClient("admin", "secret");
        second.Connect(other.LastEndpoint!);
        Assert.Contains("not among the allowed", (await otherEvents.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
    }

    /// <summary>Whether peers have IP addresses (tcp), which address rules judge.</summary>
    protected virtual bool HasAddresses => true;

    [Fact]
    public async Task TheClientsHello_AndTheServersWelcome_AreTheBytesOfRfc24()
    {
        var client = new PlainClientMechanism("CLIENT", null, false, "admin", "secret");
        Assert.Equal(Convert.FromHexString("0413" + "0548454C4C4F" + "0561646D696E" + "06736563726574"), client.NextHandshakeCommand());
        var server = new PlainServerMechanism("SERVER", null, false, _ => Task.FromResult(AuthVerdict.Accept));
        var hello = new Zmq.Protocol.Frame(Zmq.Protocol.FrameFlags.Command, Convert.FromHexString("0548454C4C4F0561646D696E06736563726574"));
        server.ProcessHandshakeCommand(hello);
        await server.Pending!;
        Assert.Equal(Convert.FromHexString("0408" + "0757454C434F4D45"), server.NextHandshakeCommand());
    }

    [Fact]
    public async Task ARefusal_IsTheErrorLibzmqSends_AndAClientReadsBothForms()
    {
        // libzmq's "\x05ERROR" prefix is a C escape that swallows the E: 0x5E "RROR" (captured from
        // libzmq 4.3.4's PLAIN server).
        var server = new PlainServerMechanism("SERVER", null, false, _ => AuthVerdict.Of("no such user"));
        server.ProcessHandshakeCommand(new Zmq.Protocol.Frame(Zmq.Protocol.FrameFlags.Command, Convert.FromHexString("0548454C4C4F0178017A")));
        await server.Pending!;
        Assert.Equal(Convert.FromHexString("0409" + "5E52524F52" + "03343030"), server.NextHandshakeCommand());
        Assert.Equal(MechanismStatus.Error, server.Status);

        foreach (string body in new[] { "5E52524F5203343030", "054552524F5203343030" })
        {
            var client = new PlainClientMechanism("CLIENT", null, false, "x", "z");
            client.NextHandshakeCommand();
            var e = Assert.Throws<Zmq.Protocol.ProtocolException>(() => client.ProcessHandshakeCommand(new Zmq.Protocol.Frame(Zmq.Protocol.FrameFlags.Command, Convert.FromHexString(body))));
            Assert.Equal(Zmq.Protocol.ProtocolException.Refused, e.Kind);
            Assert.Contains("400", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Credentials_LongerThanPlainCarries_AreRefusedAtOnce()
    {
        using var client = new ClientSocket();
        Assert.Throws<ArgumentException>(() => client.PlainUserName = new string('u', 256));
        Assert.Throws<ArgumentException>(() => new ZmqAuthenticator().AllowPlainUser("u", new string('p', 256)));
        client.PlainUserName = "u";
        Assert.False(client.PlainServer);
        client.PlainServer = true;
        Assert.True(client.PlainServer);
        client.PlainServer = false;
        Assert.Equal("u", client.PlainUserName);
    }
}

public sealed class PlainOverTcp : PlainTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class PlainOverIpc : PlainTests
{
    protected override string AnyEndpoint => "ipc://*";

    protected override bool HasAddresses => false;
}
