using Zmq.Engine.Mechanisms;

namespace Zmq;

// The security mechanism of a socket's tcp and ipc connections (inproc has none, as in libzmq):
// NULL unless an option picks PLAIN or CURVE, as a client or as the server. As in libzmq, the
// option set last decides. Read as each connection starts its handshake.
public abstract partial class ZmqSocket
{
    private enum Security
    {
        Null,
        PlainClient,
        PlainServer,
        CurveClient,
        CurveServer,
    }

    private volatile Security _security;
    private string? _plainUserName;
    private string? _plainPassword;

    /// <summary>The user name this socket presents as a PLAIN client (libzmq ZMQ_PLAIN_USERNAME);
    /// setting it (or <see cref="PlainPassword"/>) makes the socket a PLAIN client, and null with
    /// no password makes it NULL again. The peer must be a PLAIN server. PLAIN sends the name and
    /// password in clear text: it authenticates, it does not encrypt. Read as each tcp or ipc
    /// connection starts; set it before Bind and Connect.</summary>
    /// <exception cref="ArgumentException">Longer than 255 bytes in UTF-8.</exception>
    public string? PlainUserName
    {
        get => _plainUserName;
        set => SetPlain(ref _plainUserName, value);
    }

    /// <summary>The password this socket presents as a PLAIN client (libzmq ZMQ_PLAIN_PASSWORD);
    /// see <see cref="PlainUserName"/>.</summary>
    /// <exception cref="ArgumentException">Longer than 255 bytes in UTF-8.</exception>
    public string? PlainPassword
    {
        get => _plainPassword;
        set => SetPlain(ref _plainPassword, value);
    }

    /// <summary>A PLAIN client's name or password: a client while either is set, NULL when neither is.</summary>
    private void SetPlain(ref string? field, string? value)
    {
        if (value != null)
        {
            ZmqAuthenticator.CheckPlainField(value, nameof(value));
        }
        field = value;
        _security = _plainUserName != null || _plainPassword != null ? Security.PlainClient : Security.Null;
    }

    /// <summary>Makes this socket the PLAIN server of its connections (libzmq ZMQ_PLAIN_SERVER),
    /// whichever side binds: each client's user name and password go to the context's
    /// <see cref="ZmqContext.Authenticator"/>, else to its ZAP handler on
    /// <c>inproc://zeromq.zap.01</c>; with neither, every user is let in. A refused client
    /// gets an ERROR (ZAP status 400, as libzmq sends) and its connection closes, with a
    /// <see cref="SocketEventType.HandshakeFailed"/> event and a log entry that say why on this side.
    /// False makes the socket NULL again. Read as each tcp or ipc connection starts; set it before
    /// Bind and Connect.</summary>
    public bool PlainServer
    {
        get => _security == Security.PlainServer;
        set => _security = value ? Security.PlainServer : _plainUserName != null || _plainPassword != null ? Security.PlainClient : Security.Null;
    }

    private CurveKeyPair? _curveCertificate;
    private byte[]? _curveServerKey;

    /// <summary>The domain this socket's ZAP requests name (libzmq ZMQ_ZAP_DOMAIN), so that one ZAP
    /// handler can apply different rules to different servers; default null (an empty domain). A
    /// PLAIN or CURVE server asks the context's authenticator or ZAP handler in any case; a NULL
    /// socket only once it has a domain (as libzmq), and then about the peer's address alone. Read
    /// at each handshake.</summary>
    /// <exception cref="ArgumentException">Longer than 255 bytes in UTF-8.</exception>
    public string? ZapDomain
    {
        get => _zapDomain;
        set => _zapDomain = value == null || System.Text.Encoding.UTF8.GetByteCount(value) <= 255
            ? value
            : throw new ArgumentException("a ZAP domain is at most 255 bytes in UTF-8", nameof(value));
    }

    private string? _zapDomain;

    /// <summary>This socket's CURVE key pair (libzmq ZMQ_CURVE_PUBLICKEY and ZMQ_CURVE_SECRETKEY):
    /// a CURVE server's is required (its public key is the one clients give as
    /// <see cref="CurveServerKey"/>); a client without one makes its own at its first connection.
    /// Read as each tcp or ipc connection starts; set it before Bind and Connect.</summary>
    public CurveKeyPair? CurveCertificate
    {
        get => _curveCertificate;
        set => _curveCertificate = value;
    }

    /// <summary>Makes this socket the CURVE server of its connections (libzmq ZMQ_CURVE_SERVER),
    /// whichever side binds: its traffic is encrypted, and each client's public key goes to the
    /// context's <see cref="ZmqContext.Authenticator"/>, else to its ZAP handler on
    /// <c>inproc://zeromq.zap.01</c> (with neither, every key is let in, as libzmq does without a ZAP
    /// handler). Needs <see cref="CurveCertificate"/>. False makes the
    /// socket NULL again. Read as each tcp or ipc connection starts; set it before Bind and Connect.</summary>
    public bool CurveServer
    {
        get => _security == Security.CurveServer;
        set => _security = value ? Security.CurveServer : Security.Null;
    }

    /// <summary>The public key of the CURVE server this socket connects to, 32 bytes (libzmq
    /// ZMQ_CURVE_SERVERKEY); setting it makes the socket a CURVE client, and null NULL again. A
    /// server whose key differs fails the handshake. Read as each tcp or ipc connection starts; set it
    /// before Bind and Connect.</summary>
    /// <exception cref="ArgumentException">Not 32 bytes.</exception>
    public byte[]? CurveServerKey
    {
        get => (byte[]?)_curveServerKey?.Clone();
        set
        {
            _curveServerKey = value == null ? null : CurveKeyPair.CheckKey(value, nameof(value));
            _security = value == null ? Security.Null : Security.CurveClient;
        }
    }

    /// <summary>Before a Bind or Connect: a CURVE server must have its keys, and a CURVE client
    /// without its own gets them now (which loads libsodium, so a platform without it fails here).</summary>
    private void CheckSecurity()
    {
        if (_security == Security.CurveServer && _curveCertificate == null)
        {
            throw new InvalidOperationException("a CURVE server needs its key pair: set CurveCertificate (CurveKeyPair.Generate(), or the pair its clients know the public key of)");
        }
        if (_security == Security.CurveClient)
        {
            // A client with no key pair of its own gets one, once, at its first Bind or Connect.
            _curveCertificate ??= CurveKeyPair.Generate();
        }
    }

    /// <summary>The mechanism of a new tcp or ipc connection.</summary>
    private Mechanism NewMechanism()
    {
        if (MechanismFactory?.Invoke() is { } forTests)
        {
            return forTests;
        }
        return _security switch
        {
            Security.PlainClient => new PlainClientMechanism(SocketType, RoutingId, AnnouncesIdentity, _plainUserName ?? "", _plainPassword ?? ""),
            Security.PlainServer => new PlainServerMechanism(SocketType, RoutingId, AnnouncesIdentity, JudgePlain),
            Security.CurveClient => new CurveClientMechanism(SocketType, RoutingId, AnnouncesIdentity, _curveCertificate ??= CurveKeyPair.Generate(), _curveServerKey!),
            Security.CurveServer => new CurveServerMechanism(SocketType, RoutingId, AnnouncesIdentity, _curveCertificate!, JudgeCurve),
            // As libzmq: a NULL socket asks only with a ZAP domain set, so naive sockets ask nobody.
            _ => new NullMechanism(SocketType, RoutingId, AnnouncesIdentity, string.IsNullOrEmpty(_zapDomain) ? null : JudgeNull),
        };
    }

    /// <summary>The context's authenticator decides; else its ZAP handler, if one is bound; else
    /// every PLAIN user gets in.</summary>
    private Task<AuthVerdict> JudgePlain(PlainCredentials c) => Context.Authenticator is { } a
        ? Task.FromResult(new AuthVerdict(a.RefusePlain(c.Address, c.UserName, c.Password)) { UserId = c.UserName })
        : AskZap("PLAIN", c.Address, [System.Text.Encoding.UTF8.GetBytes(c.UserName), System.Text.Encoding.UTF8.GetBytes(c.Password)]);

    /// <summary>As <see cref="JudgePlain"/>, for a CURVE client's public key (every key gets in
    /// when nothing decides).</summary>
    private Task<AuthVerdict> JudgeCurve(string address, byte[] clientKey) => Context.Authenticator is { } a
        ? Task.FromResult(new AuthVerdict(a.RefuseCurve(address, clientKey)) { UserId = Z85.Encode(clientKey) })
        : AskZap("CURVE", address, [clientKey]);

    /// <summary>As <see cref="JudgePlain"/>, for a NULL peer of a socket with a <see cref="ZapDomain"/>:
    /// only its address (every peer gets in when nothing decides).</summary>
    private Task<AuthVerdict> JudgeNull(string address) => Context.Authenticator is { } a
        ? AuthVerdict.Of(a.RefuseAddressOf(address))
        : AskZap("NULL", address, []);

    private Task<AuthVerdict> AskZap(string mechanism, string address, byte[][] credentials) =>
        Context.Zap.HandlerBound ? AskZapAsync(mechanism, address, credentials) : Task.FromResult(AuthVerdict.Accept);

    private async Task<AuthVerdict> AskZapAsync(string mechanism, string address, byte[][] credentials)
    {
        var reply = await Context.Zap.AskAsync(_zapDomain ?? "", address, RoutingId, mechanism, credentials, Context.ZapTimeout).ConfigureAwait(false);
        if (reply.Accepted)
        {
            return AuthVerdict.Accept with { UserId = reply.UserId, Metadata = reply.Metadata };
        }
        if (ReferenceEquals(reply, Zmq.Security.ZapReply.Silent) && Context.AcceptWhenZapHandlerSilent)
        {
            Diagnostics.Log.ZapSilentAccepted(Logger, SocketType, LastEndpoint ?? "", address);
            return AuthVerdict.Accept;
        }
        return new AuthVerdict(reply.Reason, reply.Status == "" ? "500" : reply.Status);
    }
}
