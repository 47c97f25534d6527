using System.Text;
using Zmq.Protocol;

namespace Zmq.Engine.Mechanisms;

/// <summary>
/// RFC 24 PLAIN, the parts both roles share: the metadata command that ends each side's part and
/// the reading of the peer's commands. The user name and password cross the wire in clear text;
/// PLAIN authenticates, it does not protect.
/// </summary>
internal abstract class PlainMechanism(string socketType, byte[]? identity, bool sendIdentity) : Mechanism
{
    public override string Name => "PLAIN";

    /// <summary>The metadata command of this side (the client's INITIATE, the server's READY).</summary>
    protected byte[] Metadata(string command) => Commands.BuildMetadataFrame(command, socketType, identity, sendIdentity);

    /// <summary>
    /// libzmq's PLAIN writes its ERROR command as the C string <c>"\x05ERROR"</c>, in which the escape
    /// takes the E as a hex digit: on the wire the command is 0x5E "RROR", then the reason's length
    /// and the reason. Its PLAIN clients recognise only that form, and its servers send only it. A
    /// server here sends it too, so that a refused libzmq client reports an authentication failure
    /// (ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) rather than a protocol error; clients here read both forms.
    /// </summary>
    private static ReadOnlySpan<byte> LibzmqErrorName => [0x5E, (byte)'R', (byte)'R', (byte)'O', (byte)'R'];

    /// <summary>An ERROR in libzmq's PLAIN form (see <see cref="LibzmqErrorName"/>).</summary>
    protected static byte[] LibzmqError(string reason)
    {
        var text = Encoding.ASCII.GetBytes(reason);
        var body = new byte[LibzmqErrorName.Length + 1 + text.Length];
        LibzmqErrorName.CopyTo(body);
        body[LibzmqErrorName.Length] = (byte)text.Length;
        text.CopyTo(body, LibzmqErrorName.Length + 1);
        var frame = new byte[FrameWriter.FrameSize(body.Length)];
        FrameWriter.WriteFrame(frame, body, FrameFlags.Command);
        return frame;
    }

    /// <summary>The name and data of a handshake command; an ERROR (either form) throws with its reason.</summary>
    protected static string Parse(in Frame frame, out ReadOnlySpan<byte> data)
    {
        if (!frame.IsCommand)
        {
            throw new ProtocolException("a PLAIN handshake carries commands only, got a message frame");
        }
        var body = frame.Body.AsSpan(0, frame.Length);
        if (body.StartsWith(LibzmqErrorName))
        {
            Refused(Commands.ParseErrorReason(body[LibzmqErrorName.Length..]));
        }
        if (!Commands.TryParse(body, out string name, out data, out string? error))
        {
            throw new ProtocolException(error!);
        }
        if (name == Commands.Error)
        {
            Refused(Commands.ParseErrorReason(data));
        }
        return name;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Refused(string reason) =>
        throw new ProtocolException($"the peer refused the PLAIN handshake: {Explain(reason)}", ProtocolException.Refused);

    /// <summary>libzmq's servers say why in a ZAP status code (RFC 27): 400 denied, 300 try later, 500 failed.</summary>
    private static string Explain(string reason) => reason switch
    {
        "400" => "ERROR \"400\" (the credentials were denied)",
        "300" => "ERROR \"300\" (the authenticator failed for now; try again later)",
        "500" => "ERROR \"500\" (the authenticator failed)",
        _ => $"ERROR \"{reason}\"",
    };

    protected void TakeProperties(ReadOnlySpan<byte> data)
    {
        PeerProperties = Commands.TryParseProperties(data, out string? error) ?? throw new ProtocolException(error!);
    }
}

/// <summary>The PLAIN client: HELLO with the credentials, then INITIATE once WELCOMEd, ready at READY.</summary>
internal sealed class PlainClientMechanism(string socketType, byte[]? identity, bool sendIdentity, string userName, string password)
    : PlainMechanism(socketType, identity, sendIdentity)
{
    private enum Step { Hello, AwaitWelcome, Initiate, AwaitReady }

    private Step _step;

    public override byte[]? NextHandshakeCommand()
    {
        switch (_step)
        {
            case Step.Hello:
                _step = Step.AwaitWelcome;
                var user = Encoding.UTF8.GetBytes(userName);
                var pass = Encoding.UTF8.GetBytes(password);
                var data = new byte[2 + user.Length + pass.Length];
                data[0] = (byte)user.Length;
                user.CopyTo(data, 1);
                data[1 + user.Length] = (byte)pass.Length;
                pass.CopyTo(data, 2 + user.Length);
                return Commands.BuildFrame(Commands.Hello, data);
            case Step.Initiate:
                _step = Step.AwaitReady;
                return Metadata(Commands.Initiate);
            default:
                return null;
        }
    }

    public override void ProcessHandshakeCommand(in Frame frame)
    {
        string name = Parse(frame, out var data);
        if (_step == Step.AwaitWelcome && name == Commands.Welcome)
        {
            if (!data.IsEmpty)
            {
                throw new ProtocolException($"a PLAIN WELCOME has no data, this one has {data.Length} bytes");
            }
            _step = Step.Initiate;
            return;
        }
        if (_step == Step.AwaitReady && name == Commands.Ready)
        {
            TakeProperties(data);
            Status = MechanismStatus.Ready;
            return;
        }
        throw new ProtocolException($"the PLAIN server sent {name} where {(_step == Step.AwaitWelcome ? Commands.Welcome : Commands.Ready)} was due");
    }
}

/// <summary>The PLAIN server: has HELLO's credentials judged by <paramref name="judge"/> (the
/// handshake awaits it: <see cref="Mechanism.Pending"/>), then WELCOME, and READY after the
/// client's INITIATE. A refused peer gets ERROR with the verdict's ZAP status code (400 denied),
/// in the form libzmq sends it.</summary>
internal sealed class PlainServerMechanism(string socketType, byte[]? identity, bool sendIdentity, Func<PlainCredentials, Task<AuthVerdict>> judge)
    : PlainMechanism(socketType, identity, sendIdentity)
{
    private enum Step { AwaitHello, Judging, Welcome, AwaitInitiate, Ready, Done, Refused }

    private Step _step;

    public override bool AsServer => true;

    public override byte[]? NextHandshakeCommand()
    {
        switch (_step)
        {
            case Step.Welcome:
                _step = Step.AwaitInitiate;
                return Commands.BuildFrame(Commands.Welcome, []);
            case Step.Ready:
                _step = Step.Done;
                Status = MechanismStatus.Ready;
                return Metadata(Commands.Ready);
            case Step.Refused:
                _step = Step.Done;
                Status = MechanismStatus.Error;
                return LibzmqError(RefusalCode);
            default:
                return null;
        }
    }

    public override void ProcessHandshakeCommand(in Frame frame)
    {
        string name = Parse(frame, out var data);
        if (_step == Step.AwaitHello && name == Commands.Hello)
        {
            var credentials = ParseHello(data) with { Address = PeerAddress };
            _step = Step.Judging;
            Pending = JudgeAsync(credentials);
            return;
        }
        if (_step == Step.AwaitInitiate && name == Commands.Initiate)
        {
            TakeProperties(data);
            _step = Step.Ready;
            return;
        }
        throw new ProtocolException($"the PLAIN client sent {name} where {(_step == Step.AwaitHello ? Commands.Hello : Commands.Initiate)} was due");
    }

    private async Task JudgeAsync(PlainCredentials credentials) =>
        _step = await AcceptedAsync(judge(credentials), $"PLAIN user '{credentials.UserName}' refused").ConfigureAwait(false) ? Step.Welcome : Step.Refused;

    private static PlainCredentials ParseHello(ReadOnlySpan<byte> data)
    {
        if (data.Length < 1 || data.Length < 1 + data[0] + 1)
        {
            throw new ProtocolException("a PLAIN HELLO is cut short before its password");
        }
        var user = data.Slice(1, data[0]);
        var rest = data[(1 + data[0])..];
        if (rest.Length != 1 + rest[0])
        {
            throw new ProtocolException($"a PLAIN HELLO's password field says {rest[0]} bytes, {rest.Length - 1} follow");
        }
        return new PlainCredentials("", Encoding.UTF8.GetString(user), Encoding.UTF8.GetString(rest[1..]));
    }
}

/// <summary>What a PLAIN client presented, and from where.</summary>
internal readonly record struct PlainCredentials(string Address, string UserName, string Password);

/// <summary>An authenticator's decision: null <see cref="Refusal"/> lets the peer in (with the user
/// id and metadata its messages will carry); else why not, and the ZAP status code its ERROR carries
/// (400 denied, 300 try later, 500 failed).</summary>
internal readonly record struct AuthVerdict(string? Refusal, string StatusCode = "400")
{
    public string? UserId { get; init; }

    public IReadOnlyDictionary<string, byte[]>? Metadata { get; init; }

    public static readonly AuthVerdict Accept = new(null);

    public static Task<AuthVerdict> Of(string? refusal) => Task.FromResult(new AuthVerdict(refusal));
}
