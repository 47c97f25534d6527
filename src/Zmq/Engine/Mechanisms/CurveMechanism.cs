using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using Zmq.Protocol;
using Zmq.Security;

namespace Zmq.Engine.Mechanisms;

/// <summary>
/// CurveZMQ (RFC 25, ZMTP's CURVE in RFC 26), what both roles share: after the handshake every frame
/// travels as a MESSAGE, boxed under the key both sides precompute from their connection keys,
/// with a nonce that must rise strictly (a replayed, reordered or tampered MESSAGE ends the
/// connection). As libzmq sends it, a MESSAGE is a data frame (RFC 26 says a command; both are
/// read), and the flags byte inside carries MORE (bit 0) and COMMAND (bit 1): heartbeats and
/// subscriptions travel boxed too.
/// </summary>
internal abstract class CurveMechanism(string socketType, byte[]? identity, bool sendIdentity) : Mechanism
{
    protected static ReadOnlySpan<byte> HelloName => "\u0005HELLO"u8;
    protected static ReadOnlySpan<byte> WelcomeName => "\u0007WELCOME"u8;
    protected static ReadOnlySpan<byte> InitiateName => "\u0008INITIATE"u8;
    protected static ReadOnlySpan<byte> ReadyName => "\u0005READY"u8;
    private static ReadOnlySpan<byte> MessageName => "\u0007MESSAGE"u8;
    private static ReadOnlySpan<byte> ErrorName => "\u0005ERROR"u8;

    /// <summary>The box of the MESSAGE frames, after the handshake (beforenm of the connection keys).</summary>
    protected readonly byte[] SessionKey = new byte[Sodium.KeyBytes];

    private ulong _nextNonce = 1;
    private ulong _peerNonce;

    public override string Name => "CURVE";

    public override bool LeavesFramesUnchanged => false;

    /// <summary>The 16-byte prefix of the nonces of the MESSAGEs this side sends, and of those it reads.</summary>
    protected abstract ReadOnlySpan<byte> SendPrefix { get; }

    protected abstract ReadOnlySpan<byte> ReceivePrefix { get; }

    protected byte[] Metadata() => Commands.Metadata(socketType, identity, sendIdentity);

    /// <summary>The next short nonce this side sends (1, 2, ...).</summary>
    protected ulong NextNonce() => _nextNonce++;

    /// <summary>A short nonce from the peer must be above every one before it.</summary>
    protected void TakePeerNonce(ulong nonce, string command)
    {
        if (nonce <= _peerNonce)
        {
            throw new ProtocolException($"a CURVE {command} came with nonce {nonce}, not above the last ({_peerNonce}): replayed or reordered");
        }
        _peerNonce = nonce;
    }

    protected static byte[] ShortNonce(ReadOnlySpan<byte> prefix, ulong counter)
    {
        var nonce = new byte[Sodium.NonceBytes];
        prefix.CopyTo(nonce);
        BinaryPrimitives.WriteUInt64BigEndian(nonce.AsSpan(16), counter);
        return nonce;
    }

    protected static byte[] LongNonce(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> random16)
    {
        var nonce = new byte[Sodium.NonceBytes];
        prefix.CopyTo(nonce);
        random16.CopyTo(nonce.AsSpan(8));
        return nonce;
    }

    protected static byte[] Random(int length)
    {
        var bytes = new byte[length];
        Sodium.RandomBytes(bytes);
        return bytes;
    }

    /// <summary>The shared key of a public and a secret key.</summary>
    protected static byte[] Shared(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        var key = new byte[Sodium.KeyBytes];
        return Sodium.SharedKey(key, publicKey, secretKey) ? key : throw new ProtocolException("a CURVE key is unusable (a weak public key)");
    }

    protected static byte[] Box(ReadOnlySpan<byte> message, byte[] nonce, byte[] key)
    {
        var box = new byte[message.Length + Sodium.MacBytes];
        Sodium.Box(box, message, nonce, key);
        return box;
    }

    /// <summary>The contents of a box, or a protocol error saying which box did not open.</summary>
    protected static byte[] Open(ReadOnlySpan<byte> box, byte[] nonce, byte[] key, string what)
    {
        var message = new byte[Math.Max(0, box.Length - Sodium.MacBytes)];
        return Sodium.Open(message, box, nonce, key) ? message : throw new ProtocolException($"the CURVE {what} does not open: {(box.Length < Sodium.MacBytes ? "too short" : "tampered with, or boxed for another key")}");
    }

    /// <summary>A whole command frame of these parts.</summary>
    protected static byte[] Command(params byte[][] parts)
    {
        int length = parts.Sum(p => p.Length);
        var frame = new byte[FrameWriter.FrameSize(length)];
        int p = FrameWriter.WriteHeader(frame, length, FrameFlags.Command);
        foreach (var part in parts)
        {
            part.CopyTo(frame, p);
            p += part.Length;
        }
        return frame;
    }

    /// <summary>The body of a handshake command; an ERROR throws with its reason.</summary>
    protected static ReadOnlySpan<byte> CommandBody(in Frame frame)
    {
        if (!frame.IsCommand)
        {
            throw new ProtocolException("a CURVE handshake carries commands only, got a message frame");
        }
        var body = frame.Body.AsSpan(0, frame.Length);
        if (body.StartsWith(ErrorName))
        {
            string reason = Commands.ParseErrorReason(body[ErrorName.Length..]);
            throw new ProtocolException($"the peer refused the CURVE handshake: ERROR \"{reason}\"{(reason == "400" ? " (this client's key was denied)" : "")}", ProtocolException.Refused);
        }
        return body;
    }

    protected void TakeMetadata(ReadOnlySpan<byte> data)
    {
        PeerProperties = Commands.TryParseProperties(data, out string? error) ?? throw new ProtocolException(error!);
    }

    public override int EncodedSize(int bodyLength) => FrameWriter.FrameSize(Overhead + bodyLength);

    /// <summary>The MESSAGE name, the short nonce, the box's tag and the flags byte.</summary>
    public override int Overhead => MessageName.Length + 8 + Sodium.MacBytes + 1;

    public override byte[] Encode(byte flags, ReadOnlySpan<byte> body)
    {
        var frame = new byte[EncodedSize(body.Length)];
        EncodeInto(frame, flags, body);
        return frame;
    }

    /// <summary>Writes the MESSAGE in place: its plaintext (flags, body) is laid where the box goes,
    /// then boxed over itself (libsodium's easy functions allow it), so a message costs no allocation.</summary>
    public override void EncodeInto(Span<byte> destination, byte flags, ReadOnlySpan<byte> body)
    {
        int boxLength = Sodium.MacBytes + 1 + body.Length;
        int commandLength = MessageName.Length + 8 + boxLength;
        // As libzmq frames it: a MESSAGE goes as a plain data frame, its own flags inside the box.
        int p = FrameWriter.WriteHeader(destination, commandLength, 0);
        MessageName.CopyTo(destination[p..]);
        p += MessageName.Length;
        ulong nonce = NextNonce();
        BinaryPrimitives.WriteUInt64BigEndian(destination[p..], nonce);
        p += 8;
        var box = destination.Slice(p, boxLength);
        var plain = box[Sodium.MacBytes..];
        plain[0] = (byte)(((flags & FrameFlags.More) != 0 ? 1 : 0) | ((flags & FrameFlags.Command) != 0 ? 2 : 0));
        body.CopyTo(plain[1..]);
        // The short nonce just written is the box nonce's last 8 bytes; the prefix is in the subkey.
        Sodium.BoxWithSubkey(box, plain, destination.Slice(p - 8, 8), _sendSubkey ??= Subkey(SendPrefix));
    }

    /// <summary>The XSalsa20 subkeys of this connection's MESSAGE nonces, one per direction (see
    /// <see cref="Sodium.Subkey"/>), made at the first MESSAGE each way.</summary>
    private byte[]? _sendSubkey;
    private byte[]? _receiveSubkey;

    private byte[] Subkey(ReadOnlySpan<byte> prefix)
    {
        var subkey = new byte[Sodium.KeyBytes];
        Sodium.Subkey(subkey, SessionKey, prefix);
        return subkey;
    }

    public override Frame Decode(in Frame frame)
    {
        var body = frame.Body.AsSpan(0, frame.Length);
        // libzmq sends MESSAGE as a data frame; RFC 26 calls it a command: either is read.
        if (!body.StartsWith(MessageName))
        {
            throw new ProtocolException("after a CURVE handshake every frame is a MESSAGE");
        }
        if (body.Length < MessageName.Length + 8 + Sodium.MacBytes + 1)
        {
            throw new ProtocolException($"a CURVE MESSAGE of {body.Length} bytes is too short to hold a box");
        }
        ulong nonce = BinaryPrimitives.ReadUInt64BigEndian(body[MessageName.Length..]);
        if (nonce <= _peerNonce)
        {
            throw new ProtocolException($"a CURVE MESSAGE came with nonce {nonce}, not above the last ({_peerNonce}): replayed or reordered");
        }
        // Opened in place, in the frame's own array, and the payload moved to its start: the frame
        // received becomes the message, with no second array.
        int boxStart = MessageName.Length + 8;
        int boxLength = body.Length - boxStart;
        var array = frame.Body;
        if (!Sodium.OpenWithSubkey(array.AsSpan(boxStart + Sodium.MacBytes, boxLength - Sodium.MacBytes), array.AsSpan(boxStart, boxLength), array.AsSpan(MessageName.Length, 8), _receiveSubkey ??= Subkey(ReceivePrefix)))
        {
            throw new ProtocolException("a CURVE MESSAGE does not open: tampered with, or not from this peer");
        }
        _peerNonce = nonce;
        byte inner = array[boxStart + Sodium.MacBytes];
        if ((inner & ~3) != 0)
        {
            throw new ProtocolException($"a CURVE MESSAGE's flags byte is {inner:x2}: only MORE and COMMAND are defined");
        }
        int payload = boxLength - Sodium.MacBytes - 1;
        Buffer.BlockCopy(array, boxStart + Sodium.MacBytes + 1, array, 0, payload);
        byte flags = (byte)(((inner & 1) != 0 ? FrameFlags.More : 0) | ((inner & 2) != 0 ? FrameFlags.Command : 0));
        return new Frame(flags, array, payload, frame.Pooled);
    }
}

/// <summary>The CURVE client: HELLO under a key made for this connection, the server's WELCOME
/// (its connection key and a cookie), INITIATE with this socket's long-term key vouched for by
/// the connection key, and the server's READY.</summary>
internal sealed class CurveClientMechanism : CurveMechanism
{
    private enum Step { Hello, AwaitWelcome, Initiate, AwaitReady, Done }

    private readonly CurveKeyPair _keys;
    private readonly byte[] _serverKey;
    private readonly byte[] _cnPublic = new byte[Sodium.KeyBytes];
    private readonly byte[] _cnSecret = new byte[Sodium.KeyBytes];
    private byte[] _serverCn = [];
    private byte[] _cookie = [];
    private Step _step;

    public CurveClientMechanism(string socketType, byte[]? identity, bool sendIdentity, CurveKeyPair keys, byte[] serverKey)
        : base(socketType, identity, sendIdentity)
    {
        _keys = keys;
        _serverKey = serverKey;
        Sodium.KeyPair(_cnPublic, _cnSecret);
    }

    protected override ReadOnlySpan<byte> SendPrefix => "CurveZMQMESSAGEC"u8;

    protected override ReadOnlySpan<byte> ReceivePrefix => "CurveZMQMESSAGES"u8;

    public override byte[]? NextHandshakeCommand()
    {
        switch (_step)
        {
            case Step.Hello:
            {
                _step = Step.AwaitWelcome;
                ulong n = NextNonce();
                var box = Box(new byte[64], ShortNonce("CurveZMQHELLO---"u8, n), Shared(_serverKey, _cnSecret));
                var nonce = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(nonce, n);
                // Version 1.0, then 72 bytes of padding: a HELLO is as long as the WELCOME it asks for.
                return Command(HelloName.ToArray(), [1, 0], new byte[72], _cnPublic, nonce, box);
            }
            case Step.Initiate:
            {
                _step = Step.AwaitReady;
                var vouchNonce = Random(16);
                var vouchBox = Box([.. _cnPublic, .. _serverKey], LongNonce("VOUCH---"u8, vouchNonce), Shared(_serverCn, _keys.Secret));
                Shared(_serverCn, _cnSecret).CopyTo(SessionKey, 0);
                ulong n = NextNonce();
                var box = Box([.. _keys.Public, .. vouchNonce, .. vouchBox, .. Metadata()], ShortNonce("CurveZMQINITIATE"u8, n), SessionKey);
                var nonce = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(nonce, n);
                return Command(InitiateName.ToArray(), _cookie, nonce, box);
            }
            default:
                return null;
        }
    }

    public override void ProcessHandshakeCommand(in Frame frame)
    {
        var body = CommandBody(frame);
        if (_step == Step.AwaitWelcome && body.StartsWith(WelcomeName))
        {
            if (body.Length != 168)
            {
                throw new ProtocolException($"a CURVE WELCOME is 168 bytes, this one {body.Length}");
            }
            var plain = Open(body[24..], LongNonce("WELCOME-"u8, body[8..24]), Shared(_serverKey, _cnSecret), "WELCOME box (is CurveServerKey the server's public key?)");
            _serverCn = plain[..32];
            _cookie = plain[32..];
            _step = Step.Initiate;
            return;
        }
        if (_step == Step.AwaitReady && body.StartsWith(ReadyName))
        {
            if (body.Length < ReadyName.Length + 8 + Sodium.MacBytes)
            {
                throw new ProtocolException($"a CURVE READY of {body.Length} bytes is too short");
            }
            ulong n = BinaryPrimitives.ReadUInt64BigEndian(body[ReadyName.Length..]);
            TakePeerNonce(n, "READY");
            TakeMetadata(Open(body[(ReadyName.Length + 8)..], ShortNonce("CurveZMQREADY---"u8, n), SessionKey, "READY box"));
            _step = Step.Done;
            Status = MechanismStatus.Ready;
            return;
        }
        throw new ProtocolException($"the CURVE server sent an unexpected command where {(_step == Step.AwaitWelcome ? "WELCOME" : "READY")} was due");
    }
}

/// <summary>The CURVE server: opens HELLO, answers WELCOME with its connection key and a cookie
/// (the client's connection key and this side's, boxed under a key only this connection knows),
/// checks INITIATE's cookie and vouch, asks <paramref name="judge"/> about the client's long-term
/// key (the handshake awaits it: <see cref="Mechanism.Pending"/>), and sends READY, or ERROR with
/// the verdict's status code.</summary>
internal sealed class CurveServerMechanism(string socketType, byte[]? identity, bool sendIdentity, CurveKeyPair keys, Func<string, byte[], Task<AuthVerdict>> judge)
    : CurveMechanism(socketType, identity, sendIdentity)
{
    private enum Step { AwaitHello, Welcome, AwaitInitiate, Judging, Ready, Refused, Done }

    private readonly byte[] _cnPublic = new byte[Sodium.KeyBytes];
    private readonly byte[] _cnSecret = new byte[Sodium.KeyBytes];
    private readonly byte[] _cookieKey = Random(Sodium.KeyBytes);
    private byte[] _clientCn = [];
    private Step _step;

    public override bool AsServer => true;

    protected override ReadOnlySpan<byte> SendPrefix => "CurveZMQMESSAGES"u8;

    protected override ReadOnlySpan<byte> ReceivePrefix => "CurveZMQMESSAGEC"u8;

    public override byte[]? NextHandshakeCommand()
    {
        switch (_step)
        {
            case Step.Welcome:
            {
                _step = Step.AwaitInitiate;
                var cookieNonce = Random(16);
                var cookieBox = new byte[64 + Sodium.MacBytes];
                Sodium.SecretBox(cookieBox, [.. _clientCn, .. _cnSecret], LongNonce("COOKIE--"u8, cookieNonce), _cookieKey);
                var welcomeNonce = Random(16);
                var box = Box([.. _cnPublic, .. cookieNonce, .. cookieBox], LongNonce("WELCOME-"u8, welcomeNonce), Shared(_clientCn, keys.Secret));
                return Command(WelcomeName.ToArray(), welcomeNonce, box);
            }
            case Step.Ready:
            {
                _step = Step.Done;
                Status = MechanismStatus.Ready;
                ulong n = NextNonce();
                var nonce = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(nonce, n);
                return Command(ReadyName.ToArray(), nonce, Box(Metadata(), ShortNonce("CurveZMQREADY---"u8, n), SessionKey));
            }
            case Step.Refused:
                _step = Step.Done;
                Status = MechanismStatus.Error;
                return Commands.BuildErrorFrame(RefusalCode);
            default:
                return null;
        }
    }

    public override void ProcessHandshakeCommand(in Frame frame)
    {
        var body = CommandBody(frame);
        if (_step == Step.AwaitHello && body.StartsWith(HelloName))
        {
            if (body.Length != 200)
            {
                throw new ProtocolException($"a CURVE HELLO is 200 bytes, this one {body.Length}");
            }
            if (body[6] != 1 || body[7] != 0)
            {
                throw new ProtocolException($"a CURVE HELLO of version {body[6]}.{body[7]}: only 1.0 is known");
            }
            _clientCn = body[80..112].ToArray();
            ulong n = BinaryPrimitives.ReadUInt64BigEndian(body[112..]);
            TakePeerNonce(n, "HELLO");
            Open(body[120..], ShortNonce("CurveZMQHELLO---"u8, n), Shared(_clientCn, keys.Secret), "HELLO box (is the client's CurveServerKey this server's public key?)");
            Sodium.KeyPair(_cnPublic, _cnSecret);
            _step = Step.Welcome;
            return;
        }
        if (_step == Step.AwaitInitiate && body.StartsWith(InitiateName))
        {
            const int minimum = 9 + 96 + 8 + 32 + 96 + Sodium.MacBytes;
            if (body.Length < minimum)
            {
                throw new ProtocolException($"a CURVE INITIATE is at least {minimum} bytes, this one {body.Length}");
            }
            var cookie = body[9..105];
            var kept = new byte[64];
            if (!Sodium.SecretOpen(kept, cookie[16..], LongNonce("COOKIE--"u8, cookie[..16]), _cookieKey)
                || !CryptographicOperations.FixedTimeEquals(kept.AsSpan(0, 32), _clientCn))
            {
                throw new ProtocolException("a CURVE INITIATE's cookie is not the one this server sent");
            }
            ulong n = BinaryPrimitives.ReadUInt64BigEndian(body[105..]);
            TakePeerNonce(n, "INITIATE");
            Shared(_clientCn, _cnSecret).CopyTo(SessionKey, 0);
            var plain = Open(body[113..], ShortNonce("CurveZMQINITIATE"u8, n), SessionKey, "INITIATE box");
            var clientKey = plain[..32];
            var vouch = Open(plain.AsSpan(48, 80), LongNonce("VOUCH---"u8, plain.AsSpan(32, 16)), Shared(clientKey, _cnSecret), "vouch");
            if (!CryptographicOperations.FixedTimeEquals(vouch.AsSpan(0, 32), _clientCn) || !CryptographicOperations.FixedTimeEquals(vouch.AsSpan(32, 32), keys.Public))
            {
                throw new ProtocolException("a CURVE INITIATE's vouch does not match its connection key and this server");
            }
            TakeMetadata(plain.AsSpan(128));
            _step = Step.Judging;
            Pending = JudgeAsync(clientKey);
            return;
        }
        throw new ProtocolException($"the CURVE client sent an unexpected command where {(_step == Step.AwaitHello ? "HELLO" : "INITIATE")} was due");
    }

    private async Task JudgeAsync(byte[] clientKey) =>
        _step = await AcceptedAsync(judge(PeerAddress, clientKey), $"CURVE client key {Z85.Encode(clientKey)} refused").ConfigureAwait(false) ? Step.Ready : Step.Refused;
}
