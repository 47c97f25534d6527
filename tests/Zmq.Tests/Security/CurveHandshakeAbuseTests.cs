using System.Buffers.Binary;
using Zmq.Engine.Mechanisms;
using Zmq.Protocol;
using Zmq.Security;

namespace Zmq.Tests.Security;

/// <summary>
/// What a CURVE server does with an INITIATE that breaks RFC 26 (libzmq test_security_curve's
/// "bad cookie", "vouch" and metadata cases): a client written out step by step by the test, so
/// that one step can be broken while the rest is right. Each break is a protocol error naming it,
/// before the authenticator is asked and before any message could flow.
/// </summary>
public class CurveHandshakeAbuseTests
{
    private static readonly CurveKeyPair ServerKeys = CurveKeyPair.Generate();

    /// <summary>RFC 26's client side, by hand.</summary>
    private sealed class HandmadeClient
    {
        private readonly byte[] _cnPublic = new byte[32];
        private readonly byte[] _cnSecret = new byte[32];
        private byte[] _serverCn = [];

        public HandmadeClient() => Sodium.KeyPair(_cnPublic, _cnSecret);

        public CurveKeyPair Keys { get; } = CurveKeyPair.Generate();

        public byte[] Cookie { get; private set; } = [];

        public Frame Hello()
        {
            var box = new byte[64 + 16];
            Sodium.Box(box, new byte[64], Nonce("CurveZMQHELLO---"u8, 1), Shared(ServerKeys.PublicKey, _cnSecret));
            return Command([.. "\u0005HELLO"u8, 1, 0, .. new byte[72], .. _cnPublic, .. Counter(1), .. box]);
        }

        public void TakeWelcome(byte[] wire)
        {
            var body = Body(wire);
            var plain = new byte[128];
            Assert.True(Sodium.Open(plain, body.AsSpan(24), [.. "WELCOME-"u8, .. body.AsSpan(8, 16)], Shared(ServerKeys.PublicKey, _cnSecret)));
            _serverCn = plain[..32];
            Cookie = plain[32..];
        }

        /// <summary>An INITIATE; by default a right one. <paramref name="vouchedBy"/> signs the vouch
        /// in place of this client's long-term key; <paramref name="vouchedConnectionKey"/> is what
        /// the vouch says this client's connection key is.</summary>
        public Frame Initiate(byte[]? cookie = null, CurveKeyPair? vouchedBy = null, byte[]? vouchedConnectionKey = null, byte[]? metadata = null)
        {
            var vouchNonce = new byte[16];
            Sodium.RandomBytes(vouchNonce);
            var vouch = new byte[64 + 16];
            Sodium.Box(vouch, [.. vouchedConnectionKey ?? _cnPublic, .. ServerKeys.PublicKey], [.. "VOUCH---"u8, .. vouchNonce], Shared(_serverCn, (vouchedBy ?? Keys).SecretKey));
            byte[] plain = [.. Keys.PublicKey, .. vouchNonce, .. vouch, .. metadata ?? Commands.Metadata("CLIENT", [], false)];
            var box = new byte[plain.Length + 16];
            Sodium.Box(box, plain, Nonce("CurveZMQINITIATE"u8, 2), Shared(_serverCn, _cnSecret));
            return Command([.. "\u0008INITIATE"u8, .. cookie ?? Cookie, .. Counter(2), .. box]);
        }

        private static byte[] Shared(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> secretKey)
        {
            var key = new byte[32];
            Assert.True(Sodium.SharedKey(key, publicKey, secretKey));
            return key;
        }

        private static byte[] Counter(ulong n)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, n);
            return bytes;
        }

        private static byte[] Nonce(ReadOnlySpan<byte> prefix, ulong n) => [.. prefix, .. Counter(n)];

        private static Frame Command(byte[] body) => new(FrameFlags.Command, body);

        private static byte[] Body(byte[] wire)
        {
            var decoder = new FrameDecoder(-1);
            ReadOnlySpan<byte> input = wire;
            Assert.True(decoder.TryDecode(ref input, out var frame));
            return frame.Body.AsSpan(0, frame.Length).ToArray();
        }
    }

    /// <summary>A server that has answered the client's HELLO; it counts the judge's calls.</summary>
    private static (CurveServerMechanism Server, HandmadeClient Client, Func<int> Judged) Welcomed()
    {
        int judged = 0;
        var server = new CurveServerMechanism("SERVER", null, false, ServerKeys, (_, _) =>
        {
            Interlocked.Increment(ref judged);
            return Task.FromResult(AuthVerdict.Accept);
        });
        var client = new HandmadeClient();
        server.ProcessHandshakeCommand(client.Hello());
        client.TakeWelcome(server.NextHandshakeCommand()!);
        return (server, client, () => Volatile.Read(ref judged));
    }

    [Fact]
    public async Task TheHandmadeClient_IsRight_SoThatEachBreakBelowIsTheOnlyFault()
    {
        var (server, client, judged) = Welcomed();
        server.ProcessHandshakeCommand(client.Initiate());
        await server.Pending!;
        Assert.NotNull(server.NextHandshakeCommand());
        Assert.Equal(MechanismStatus.Ready, server.Status);
        Assert.Equal(1, judged());
    }

    [Fact]
    public void AnInitiateWithABadCookie_IsRefused_BeforeTheAuthenticatorIsAsked()
    {
        var (server, client, judged) = Welcomed();
        var cookie = (byte[])client.Cookie.Clone();
        cookie[40] ^= 1;
        var e = Assert.Throws<ProtocolException>(() => server.ProcessHandshakeCommand(client.Initiate(cookie: cookie)));
        Assert.Contains("cookie", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, judged());
    }

    [Fact]
    public void ACookieFromAnotherConnection_IsRefused()
    {
        var (_, other, _) = Welcomed();
        var (server, client, judged) = Welcomed();
        var e = Assert.Throws<ProtocolException>(() => server.ProcessHandshakeCommand(client.Initiate(cookie: other.Cookie)));
        Assert.Contains("cookie", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, judged());
    }

    [Fact]
    public void AVouchSignedByAnotherKeyThanTheOneTheClientClaims_IsRefused()
    {
        var (server, client, judged) = Welcomed();
        var e = Assert.Throws<ProtocolException>(() => server.ProcessHandshakeCommand(client.Initiate(vouchedBy: CurveKeyPair.Generate())));
        Assert.Contains("vouch does not open", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, judged());
    }

    [Fact]
    public void AVouchForAnotherConnectionKey_IsRefused()
    {
        var (server, client, judged) = Welcomed();
        var stranger = new byte[32];
        Sodium.KeyPair(stranger, new byte[32]);
        var e = Assert.Throws<ProtocolException>(() => server.ProcessHandshakeCommand(client.Initiate(vouchedConnectionKey: stranger)));
        Assert.Contains("vouch does not match", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, judged());
    }

    [Fact]
    public void InitiateMetadataThatOverrunsItsBox_IsRefused()
    {
        var (server, client, judged) = Welcomed();
        // "Socket-Type" claiming 200 bytes where 6 follow.
        byte[] metadata = [11, .. "Socket-Type"u8, 0, 0, 0, 200, .. "CLIENT"u8];
        var e = Assert.Throws<ProtocolException>(() => server.ProcessHandshakeCommand(client.Initiate(metadata: metadata)));
        Assert.Contains("malformed metadata", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, judged());
    }

    [Fact]
    public void AnInitiateBeforeHello_OrASecondHello_IsAProtocolError()
    {
        var fresh = new CurveServerMechanism("SERVER", null, false, ServerKeys, (_, _) => Task.FromResult(AuthVerdict.Accept));
        var (_, client, _) = Welcomed();
        Assert.Throws<ProtocolException>(() => fresh.ProcessHandshakeCommand(client.Initiate()));

        var (server, again, _) = Welcomed();
        Assert.Throws<ProtocolException>(() => server.ProcessHandshakeCommand(again.Hello()));
    }
}
