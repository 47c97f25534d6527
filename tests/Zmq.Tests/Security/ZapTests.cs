using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Security;

/// <summary>An application's own ZAP handler (RFC 27; libzmq test_security_zap) on
/// inproc://zeromq.zap.01, written as libzmq users write one, here on a ROUTER: what it is asked,
/// and what each kind of answer, a malformed one or none does to the handshake.</summary>
public sealed class ZapTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>A ZAP handler answering each request with what <paramref name="answer"/> returns
    /// (the frames after the envelope and delimiter; null: no answer). Records every request.</summary>
    private sealed class Handler : IAsyncDisposable
    {
        private readonly RouterSocket _router;
        private readonly Task _loop;
        private readonly CancellationTokenSource _stop = new();

        public List<string[]> Requests { get; } = [];

        public Handler(ZmqContext context, Func<string[], string[]?> answer)
        {
            _router = new RouterSocket(context) { Linger = TimeSpan.Zero };
            _router.Bind("inproc://zeromq.zap.01");
            _loop = Task.Run(async () =>
            {
                using var request = new MultipartMessage();
                while (!_stop.IsCancellationRequested)
                {
                    request.Clear();
                    try
                    {
                        await _router.ReceiveMultipartAsync(request, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                    // Envelope (the asking DEALER's id), "", then the request's frames; Latin-1 keeps
                    // binary credentials (a CURVE key) byte for byte.
                    var frames = request.Skip(2).Select(f => Encoding.Latin1.GetString(f.Span)).ToArray();
                    lock (Requests)
                    {
                        Requests.Add(frames);
                    }
                    if (answer(frames) is { } reply)
                    {
                        using var message = new MultipartMessage();
                        message.Add(request[0].Span);
                        message.Add([]);
                        foreach (var f in reply)
                        {
                            message.Add(f);
                        }
                        _router.SendMultipart(message);
                    }
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop.WaitAsync(Timeout);
            await _router.DisposeAsync();
        }
    }

    /// <summary>The usual reply: version, the request's id, status, text, user id, metadata.</summary>
    private static string[] Reply(string[] request, string status, string version = "1.0") => [version, request[1], status, status == "200" ? "OK" : "no", status == "200" ? "user-7" : "", ""];

    private static (ServerSocket Server, ClientSocket Client) PlainPair(ZmqContext context, string password)
    {
        var server = new ServerSocket(context) { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, PlainServer = true };
        server.Bind("tcp://127.0.0.1:*");
        var client = new ClientSocket { Linger = TimeSpan.Zero, PlainUserName = "admin", PlainPassword = password };
        return (server, client);
    }

    [Fact]
    public async Task TheHandler_IsAskedWithRfc27sFrames_AndItsYesLetsThePlainUserIn()
    {
        var context = new ZmqContext();
        await using var handler = new Handler(context, r => Reply(r, r[7] == "secret" ? "200" : "400"));
        var (server, client) = PlainPair(context, "secret");
        await using var s = server;
        await using var c = client;
        client.Connect(server.LastEndpoint!);
        client.Send("in");
        Assert.Equal("in", server.ReceiveString());

        var request = handler.Requests.Single();
        // Version, request id, domain, address, identity, mechanism, then the credentials.
        Assert.Equal("1.0", request[0]);
        Assert.Equal("", request[2]);
        Assert.StartsWith("127.0.0.1:", request[3], StringComparison.Ordinal);
        Assert.Equal(["PLAIN", "admin", "secret"], request[5..]);
    }

    [Fact]
    public async Task TheUserIdAndMetadataOfTheHandlersYes_AreReadableOnEveryMessageFromThatPeer()
    {
        var context = new ZmqContext();
        // ZMTP property form: name length, name, value length (4 bytes), value; all ASCII here.
        const string metadata = "\u0006X-Role\u0000\u0000\u0000\u0003ops";
        await using var handler = new Handler(context, r => ["1.0", r[1], "200", "OK", "alice", metadata]);
        var (server, client) = PlainPair(context, "secret");
        await using var s = server;
        await using var c = client;
        client.Connect(server.LastEndpoint!);
        client.Send("first");
        client.Send("second");

        foreach (var expected in new[] { "first", "second" })
        {
            var m = server.Receive();
            Assert.Equal(expected, m.ToString());
            Assert.Equal("alice", m.Properties!.UserId);
            Assert.Equal("ops", m.Properties["X-Role"]);
            Assert.Equal("CLIENT", m.Properties.SocketType);
            Assert.StartsWith("127.0.0.1:", m.Properties.PeerAddress, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AYesWithMalformedMetadata_RefusesThePeer_SayingSo()
    {
        var context = new ZmqContext();
        await using var handler = new Handler(context, r => ["1.0", r[1], "200", "OK", "alice", "\u0006X-Role\u0000\u0000\u0000\u0009ops"]);
        var (server, client) = PlainPair(context, "secret");
        await using var s = server;
        await using var c = client;
        Assert.Contains("metadata is malformed", await RefusalAsync(server, client), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANullSocketWithAZapDomain_HasEachPeerJudgedByAddress_AndARefusedOneDeliversNothing()
    {
        var context = new ZmqContext();
        bool letIn = true;
        await using var handler = new Handler(context, r => Volatile.Read(ref letIn) ? ["1.0", r[1], "200", "OK", "null-user", ""] : Reply(r, "400"));
        await using var server = new ServerSocket(context) { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, ZapDomain = "edge" };
        server.Bind("tcp://127.0.0.1:*");
        var events = server.Monitor();
        await using (var first = new ClientSocket { Linger = TimeSpan.Zero })
        {
            first.Connect(server.LastEndpoint!);
            first.Send("judged and in");
            var m = server.Receive();
            Assert.Equal("judged and in", m.ToString());
            Assert.Equal("null-user", m.Properties!.UserId);
        }
        var request = handler.Requests.Single();
        Assert.Equal("edge", request[2]);
        Assert.StartsWith("127.0.0.1:", request[3], StringComparison.Ordinal);
        // The mechanism, and no credentials after it.
        Assert.Equal(["NULL"], request[5..]);

        Volatile.Write(ref letIn, false);
        await using var second = new ClientSocket { Linger = TimeSpan.Zero };
        var secondEvents = second.Monitor();
        second.Connect(server.LastEndpoint!);
        _ = second.TrySend("must not arrive");
        Assert.Contains("answered 400", (await events.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.Contains("400", (await secondEvents.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task ANullSocketWithoutAZapDomain_AsksNobody_AsLibzmq()
    {
        var context = new ZmqContext();
        await using var handler = new Handler(context, r => Reply(r, "400"));
        await using var server = new ServerSocket(context) { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind("tcp://127.0.0.1:*");
        await using var client = new ClientSocket { Linger = TimeSpan.Zero };
        client.Connect(server.LastEndpoint!);
        client.Send("in unasked");
        Assert.Equal("in unasked", server.ReceiveString());
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task TheAuthenticatorsAddressRules_JudgeTheNullPeersOfASocketWithAZapDomain()
    {
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().Deny(System.Net.IPAddress.Loopback) };
        await using var guarded = new PullSocket(context) { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, ZapDomain = "guarded" };
        guarded.Bind("tcp://127.0.0.1:*");
        await using var open = new PullSocket(context) { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        open.Bind("tcp://127.0.0.1:*");
        var events = guarded.Monitor();
        await using var refused = new PushSocket { Linger = TimeSpan.Zero };
        refused.Connect(guarded.LastEndpoint!);
        _ = refused.TrySend("must not arrive");
        await using var welcome = new PushSocket { Linger = TimeSpan.Zero };
        welcome.Connect(open.LastEndpoint!);

        Assert.Contains("127.0.0.1 is denied", (await events.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        welcome.Send("to the open one");
        Assert.Equal("to the open one", open.ReceiveString());
        Assert.False(guarded.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task TheSocketsZapDomain_IsNamedInItsRequests_SoThatOneHandlerCanTellServersApart()
    {
        var context = new ZmqContext();
        await using var handler = new Handler(context, r => Reply(r, r[2] == "internal" ? "200" : "400"));
        var (server, client) = PlainPair(context, "secret");
        await using var s = server;
        await using var c = client;
        Assert.Null(server.ZapDomain);
        server.ZapDomain = "internal";
        client.Connect(server.LastEndpoint!);
        client.Send("in");
        Assert.Equal("in", server.ReceiveString());
        Assert.Throws<ArgumentException>(() => server.ZapDomain = new string('d', 256));
    }

    [Theory]
    [InlineData("300")]
    [InlineData("400")]
    [InlineData("500")]
    public async Task EveryStatusButOk_RefusesThePeer_AndItsErrorCarriesTheCode(string status)
    {
        var context = new ZmqContext();
        await using var handler = new Handler(context, r => Reply(r, status));
        var (server, client) = PlainPair(context, "secret");
        await using var s = server;
        await using var c = client;
        var serverEvents = server.Monitor();
        var clientEvents = client.Monitor();
        client.Connect(server.LastEndpoint!);
        _ = client.TrySend("must not arrive");

        Assert.Contains($"answered {status}", (await serverEvents.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.Contains(status, (await clientEvents.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }

    [Theory]
    [InlineData("bad-version", "version '2.0'")]
    [InlineData("wrong-request-id", "did not answer")]
    [InlineData("silent", "did not answer")]
    [InlineData("too-few-frames", "frames")]
    public async Task AHandlerThatAnswersOutOfTheRfc_OrNotAtAll_RefusesThePeer(string fault, string why)
    {
        var context = new ZmqContext { ZapTimeout = TimeSpan.FromMilliseconds(300) };
        await using var handler = new Handler(context, r => fault switch
        {
            "bad-version" => Reply(r, "200", version: "2.0"),
            "wrong-request-id" => ["1.0", "no such request", "200", "OK", "", ""],
            "too-few-frames" => ["1.0", r[1], "200"],
            _ => null,
        });
        var (server, client) = PlainPair(context, "secret");
        await using var s = server;
        await using var c = client;
        Assert.Contains(why, await RefusalAsync(server, client), StringComparison.Ordinal);
    }

    /// <summary>Connects <paramref name="client"/>, which sends what must never arrive, and returns
    /// why the server refused it, once sure that nothing of it was delivered.</summary>
    private static async Task<string?> RefusalAsync(ServerSocket server, ClientSocket client)
    {
        var events = server.Monitor();
        client.Connect(server.LastEndpoint!);
        _ = client.TrySend("must not arrive");
        var reason = (await events.NextAsync(SocketEventType.HandshakeFailed)).Reason;
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
        return reason;
    }

    [Fact]
    public async Task ASilentHandler_LetsThePeerIn_WhenTheContextSaysSo()
    {
        var context = new ZmqContext { ZapTimeout = TimeSpan.FromMilliseconds(200), AcceptWhenZapHandlerSilent = true };
        await using var handler = new Handler(context, _ => null);
        var (server, client) = PlainPair(context, "anything");
        await using var s = server;
        await using var c = client;
        client.Connect(server.LastEndpoint!);
        client.Send("in after the silence");
        Assert.Equal("in after the silence", server.ReceiveString());
    }

    [Fact]
    public async Task ACurveClient_IsJudgedByItsPublicKey()
    {
        var context = new ZmqContext();
        var known = CurveKeyPair.Generate();
        await using var handler = new Handler(context, r => Reply(r, r[5] == "CURVE" && Convert.ToHexString(Encoding.Latin1.GetBytes(r[6])) == Convert.ToHexString(known.PublicKey) ? "200" : "400"));
        var serverKeys = CurveKeyPair.Generate();
        await using var server = new ServerSocket(context) { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, CurveServer = true, CurveCertificate = serverKeys };
        server.Bind("tcp://127.0.0.1:*");
        await using var client = new ClientSocket { Linger = TimeSpan.Zero, CurveServerKey = serverKeys.PublicKey, CurveCertificate = known };
        client.Connect(server.LastEndpoint!);
        client.Send("known key");
        Assert.Equal("known key", server.ReceiveString());
    }
}
