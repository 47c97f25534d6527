using Zmq.Engine.Mechanisms;
using Zmq.Protocol;
using Zmq.Security;
using Zmq.Tests.Sockets;
using Zmq.Tests.Support;

namespace Zmq.Tests.Security;

/// <summary>CURVE (RFC 25/26; libzmq test_security_curve) over each stream transport: key pairs,
/// the handshake, encrypted traffic of every shape, the authenticator, and what a wrong key, a
/// tampered or a replayed MESSAGE gets.</summary>
public abstract class CurveTests : TransportTestBase
{
    private static readonly CurveKeyPair ServerKeys = CurveKeyPair.Generate();

    private ServerSocket BoundCurveServer(ZmqContext context, CurveKeyPair? keys = null)
    {
        var server = new ServerSocket(context) { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero, CurveServer = true, CurveCertificate = keys ?? ServerKeys };
        server.Bind(AnyEndpoint);
        return server;
    }

    private static ClientSocket CurveClient(byte[] serverKey, CurveKeyPair? keys = null) =>
        new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero, CurveServerKey = serverKey, CurveCertificate = keys };

    [Fact]
    public async Task AClientThatKnowsTheServersKey_TalksToIt_BothWays_AtEverySize()
    {
        await using var server = BoundCurveServer(new ZmqContext());
        await using var client = CurveClient(ServerKeys.PublicKey);
        client.Connect(server.LastEndpoint!);
        foreach (int size in new[] { 0, 1, 64, 255, 256, 100_000 })
        {
            var payload = new byte[size];
            Random.Shared.NextBytes(payload);
            client.Send(payload);
            var m = server.Receive();
            Assert.Equal(payload, m.Span.ToArray());
            server.Send(m.RoutingId, payload);
            Assert.Equal(payload, client.Receive().Span.ToArray());
        }
    }

    [Fact]
    public async Task AStreamPastBothHighWaterMarks_ArrivesWholeAndInOrder_WhicheverThreadBoxesAndOpensIt()
    {
        // Small queues on both sides: the sender then boxes queued messages itself when the write
        // loop lags, and the receiver opens them itself once the read loop hands reading over.
        await using var pull = new PullSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, ReceiveHighWatermark = 16, CurveServer = true, CurveCertificate = ServerKeys };
        pull.Bind(AnyEndpoint);
        await using var push = new PushSocket { SendTimeout = Timeout, Linger = TimeSpan.Zero, SendHighWatermark = 16, CurveServerKey = ServerKeys.PublicKey };
        push.Connect(pull.LastEndpoint!);
        const int count = 20_000;
        var sending = Task.Run(() =>
        {
            Span<byte> body = stackalloc byte[sizeof(int) + 60];
            for (int i = 0; i < count; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(body, i);
                push.Send(body[..(sizeof(int) + (i % 61))]);
            }
        });
        var buffer = new byte[128];
        for (int i = 0; i < count; i++)
        {
            var got = pull.Receive(buffer);
            Assert.Equal(sizeof(int) + (i % 61), got.Length);
            Assert.Equal(i, System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(buffer));
        }
        await sending.WaitAsync(Timeout);
    }

    [Fact]
    public async Task PubSub_OverCurve_SubscriptionsAndMultipartCrossEncrypted()
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero, CurveServer = true, CurveCertificate = ServerKeys };
        pub.Bind(AnyEndpoint);
        await using var sub = new SubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero, CurveServerKey = ServerKeys.PublicKey };
        sub.Subscribe("a");
        sub.Connect(pub.LastEndpoint!);
        // The SUBSCRIBE travels inside a MESSAGE (its COMMAND bit set), as libzmq sends it.
        await Wait.UntilAsync(() => { pub.Send("a probe"); return sub.TryReceive(out _, TimeSpan.FromMilliseconds(20)); }, "the subscription to reach the publisher");
        while (sub.TryReceive(out _, TimeSpan.FromMilliseconds(50)))
        {
        }
        pub.Send("b not this");
        pub.Send("a1", more: true);
        pub.Send("part two", more: false);
        using var m = sub.ReceiveMultipart();
        Assert.Equal(["a1", "part two"], m.Select(f => f.ToString()));
    }

    [Fact]
    public async Task AClientWithTheWrongServerKey_FailsTheHandshake_AndSendsNothing()
    {
        await using var server = BoundCurveServer(new ZmqContext());
        var serverEvents = server.Monitor();
        await using var client = CurveClient(CurveKeyPair.Generate().PublicKey);
        client.Connect(server.LastEndpoint!);
        _ = client.TrySend("must not arrive");
        Assert.Contains("HELLO box", (await serverEvents.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task TheAuthenticator_LetsInTheKeysItKnows_NamingTheClientByIt_AndRefusesTheRest_SayingWhy()
    {
        var known = CurveKeyPair.Generate();
        var context = new ZmqContext { Authenticator = new ZmqAuthenticator().AllowCurveKey(known.PublicKeyZ85) };
        await using var server = BoundCurveServer(context);
        var serverEvents = server.Monitor();

        await using var stranger = CurveClient(ServerKeys.PublicKey);
        var strangerEvents = stranger.Monitor();
        stranger.Connect(server.LastEndpoint!);
        _ = stranger.TrySend("must not arrive");
        Assert.Contains("not among the allowed", (await serverEvents.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.Contains("400", (await strangerEvents.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);

        await using var friend = CurveClient(ServerKeys.PublicKey, known);
        friend.Connect(server.LastEndpoint!);
        friend.Send("in");
        var m = server.Receive();
        Assert.Equal("in", m.ToString());
        // The user id of a key the authenticator let in is the key in Z85.
        Assert.Equal(known.PublicKeyZ85, m.Properties!.UserId);
    }

    [Fact]
    public async Task AServerWithoutKeys_IsRefusedAtBind_SayingWhatToSet()
    {
        await using var server = new ServerSocket { CurveServer = true };
        var e = Assert.Throws<InvalidOperationException>(() => server.Bind(AnyEndpoint));
        Assert.Contains("CurveCertificate", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANullClient_AndACurveServer_DoNotTalk()
    {
        await using var server = BoundCurveServer(new ZmqContext());
        var events = server.Monitor();
        await using var client = NewClient();
        client.Linger = TimeSpan.Zero;
        client.Connect(server.LastEndpoint!);
        _ = client.TrySend("must not arrive");
        Assert.Contains("CURVE", (await events.NextAsync(SocketEventType.HandshakeFailed)).Reason, StringComparison.Ordinal);
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }
}

public sealed class CurveOverTcp : CurveTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class CurveOverIpc : CurveTests
{
    protected override string AnyEndpoint => "ipc://*";
}

/// <summary>The mechanisms alone, a client and a server handing each other their commands: key
/// derivation, and the MESSAGE rules the RFC sets (no replay, no reordering, no tampering).</summary>
public class CurveMechanismTests
{
    [Theory]
    [InlineData("D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs", "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID")]
    [InlineData("JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6", "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7")]
    public void ThePublicKey_IsDerivedFromTheSecretKey_AsLibzmqDerivesIt(string secret, string expectedPublic)
    {
        var pair = CurveKeyPair.FromSecretKey(secret);
        Assert.Equal(expectedPublic, pair.PublicKeyZ85);
        Assert.Equal(secret, pair.SecretKeyZ85);
        Assert.Equal(32, pair.PublicKey.Length);
        Assert.Throws<ArgumentException>(() => CurveKeyPair.FromSecretKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => CurveKeyPair.ParseKey("too short"));
    }

    [Fact]
    public void GeneratedPairs_AreDifferent_AndConsistent()
    {
        var a = CurveKeyPair.Generate();
        var b = CurveKeyPair.Generate();
        Assert.NotEqual(a.PublicKeyZ85, b.PublicKeyZ85);
        Assert.Equal(a.PublicKeyZ85, CurveKeyPair.FromSecretKey(a.SecretKey).PublicKeyZ85);
    }

    private static (CurveClientMechanism Client, CurveServerMechanism Server) Handshake()
    {
        var serverKeys = CurveKeyPair.Generate();
        var client = new CurveClientMechanism("CLIENT", null, false, CurveKeyPair.Generate(), serverKeys.PublicKey);
        var server = new CurveServerMechanism("SERVER", null, false, serverKeys, (_, _) => Task.FromResult(AuthVerdict.Accept));
        Mechanism from = client, to = server;
        while (client.Status == MechanismStatus.Handshaking || server.Status == MechanismStatus.Handshaking)
        {
            while (from.NextHandshakeCommand() is { } command)
            {
                to.ProcessHandshakeCommand(Parse(command));
                to.Pending?.Wait();
            }
            (from, to) = (to, from);
        }
        Assert.Equal(MechanismStatus.Ready, client.Status);
        Assert.Equal(MechanismStatus.Ready, server.Status);
        Assert.Equal("CLIENT", System.Text.Encoding.ASCII.GetString(server.PeerProperties["Socket-Type"]));
        return (client, server);
    }

    private static Frame Parse(byte[] wire)
    {
        var decoder = new FrameDecoder(-1);
        ReadOnlySpan<byte> input = wire;
        Assert.True(decoder.TryDecode(ref input, out var frame));
        return frame;
    }

    [Fact]
    public void ABoxMadeWithThePrefixsSubkey_IsByteForByteLibsodiumsBox_AndOpensEitherWay()
    {
        var key = new byte[Sodium.KeyBytes];
        Sodium.RandomBytes(key);
        var prefix = "CurveZMQMESSAGEC"u8;
        var subkey = new byte[Sodium.KeyBytes];
        Sodium.Subkey(subkey, key, prefix);
        foreach (int size in new[] { 0, 1, 31, 32, 33, 63, 64, 65, 100, 1000 })
        {
            var message = new byte[size];
            Random.Shared.NextBytes(message);
            var nonce8 = new byte[8];
            Random.Shared.NextBytes(nonce8);
            byte[] nonce = [.. prefix, .. nonce8];
            var expected = new byte[size + Sodium.MacBytes];
            Sodium.Box(expected, message, nonce, key);

            var box = new byte[size + Sodium.MacBytes];
            Sodium.BoxWithSubkey(box, message, nonce8, subkey);
            Assert.Equal(expected, box);
            // In place, as the write loop boxes: the plaintext already where the ciphertext goes.
            var inPlace = new byte[size + Sodium.MacBytes];
            message.CopyTo(inPlace, Sodium.MacBytes);
            Sodium.BoxWithSubkey(inPlace, inPlace.AsSpan(Sodium.MacBytes), nonce8, subkey);
            Assert.Equal(expected, inPlace);

            var opened = new byte[size];
            Assert.True(Sodium.OpenWithSubkey(opened, expected, nonce8, subkey));
            Assert.Equal(message, opened);
            // In place, as the read loop opens.
            Assert.True(Sodium.OpenWithSubkey(inPlace.AsSpan(Sodium.MacBytes), inPlace, nonce8, subkey));
            Assert.Equal(message, inPlace.AsSpan(Sodium.MacBytes).ToArray());

            var tampered = (byte[])expected.Clone();
            tampered[Random.Shared.Next(tampered.Length)] ^= 0x40;
            var untouched = new byte[size];
            Assert.False(Sodium.OpenWithSubkey(untouched, tampered, nonce8, subkey));
            Assert.All(untouched, b => Assert.Equal(0, b));
            nonce8[7] ^= 1;
            Assert.False(Sodium.OpenWithSubkey(new byte[size], expected, nonce8, subkey));
        }
    }

    [Fact]
    public void AMessage_OpensOnce_InOrder_AndNeverTamperedWith()
    {
        var (client, server) = Handshake();
        var first = client.Encode(FrameFlags.More, "one"u8);
        var second = client.Encode(0, "two"u8);

        var opened = server.Decode(Parse(first));
        Assert.Equal("one"u8.ToArray(), opened.Body.AsSpan(0, opened.Length).ToArray());
        Assert.True((opened.Flags & FrameFlags.More) != 0);

        // Replayed: the same nonce again.
        Assert.Contains("replayed", Assert.Throws<ProtocolException>(() => server.Decode(Parse(first))).Message, StringComparison.Ordinal);

        var tampered = (byte[])second.Clone();
        tampered[^1] ^= 1;
        Assert.Contains("does not open", Assert.Throws<ProtocolException>(() => server.Decode(Parse(tampered))).Message, StringComparison.Ordinal);
        var two = server.Decode(Parse(second));
        Assert.Equal("two"u8.ToArray(), two.Body.AsSpan(0, two.Length).ToArray());

        // Reordered: a later box opened first makes the earlier one too old.
        var three = client.Encode(0, "three"u8);
        var four = client.Encode(0, "four"u8);
        server.Decode(Parse(four));
        Assert.Contains("reordered", Assert.Throws<ProtocolException>(() => server.Decode(Parse(three))).Message, StringComparison.Ordinal);

        // And the other way, a command inside: its COMMAND bit survives the box.
        var ping = server.Encode(FrameFlags.Command, "\u0004PING\u0000\u0000"u8);
        var back = client.Decode(Parse(ping));
        Assert.True(back.IsCommand);
    }

    [Fact]
    public void AHelloOfTheWrongSize_OrVersion_IsAProtocolError()
    {
        var serverKeys = CurveKeyPair.Generate();
        var client = new CurveClientMechanism("CLIENT", null, false, CurveKeyPair.Generate(), serverKeys.PublicKey);
        var hello = client.NextHandshakeCommand()!;
        var server = new CurveServerMechanism("SERVER", null, false, serverKeys, (_, _) => Task.FromResult(AuthVerdict.Accept));
        var shortHello = Parse(hello);
        Assert.Contains("200 bytes", Assert.Throws<ProtocolException>(() => server.ProcessHandshakeCommand(new Frame(FrameFlags.Command, shortHello.Body.AsSpan(0, 150).ToArray()))).Message, StringComparison.Ordinal);
        var v2 = Parse(hello).Body.ToArray();
        v2[6] = 2;
        Assert.Contains("version", Assert.Throws<ProtocolException>(() => new CurveServerMechanism("SERVER", null, false, serverKeys, (_, _) => Task.FromResult(AuthVerdict.Accept)).ProcessHandshakeCommand(new Frame(FrameFlags.Command, v2))).Message, StringComparison.Ordinal);
    }
}
