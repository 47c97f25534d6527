using Zmq.Engine.Mechanisms;

namespace Zmq;

// The security mechanism of a socket's tcp and ipc connections (inproc has none, as in libzmq):
// NULL unless an option picks PLAIN, as a client or as the server. As in libzmq, the option set
// last decides the role. Read as each connection starts its handshake.
public abstract partial class ZmqSocket
{
    private enum Security
    {
        Null,
        PlainClient,
        PlainServer,
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
        set
        {
            if (value != null)
            {
                ZmqAuthenticator.CheckPlainField(value, nameof(value));
            }
            _plainUserName = value;
            _security = _plainUserName != null || _plainPassword != null ? Security.PlainClient : Security.Null;
        }
    }

    /// <summary>The password this socket presents as a PLAIN client (libzmq ZMQ_PLAIN_PASSWORD);
    /// see <see cref="PlainUserName"/>.</summary>
    /// <exception cref="ArgumentException">Longer than 255 bytes in UTF-8.</exception>
    public string? PlainPassword
    {
        get => _plainPassword;
        set
        {
            if (value != null)
            {
                ZmqAuthenticator.CheckPlainField(value, nameof(value));
            }
            _plainPassword = value;
            _security = _plainUserName != null || _plainPassword != null ? Security.PlainClient : Security.Null;
        }
    }

    /// <summary>Makes this socket the PLAIN server of its connections (libzmq ZMQ_PLAIN_SERVER),
    /// whichever side binds: each client's user name and password go to the context's
    /// <see cref="ZmqContext.Authenticator"/>, and without one every user is let in. A refused client
    /// gets an ERROR (ZAP status 400, as libzmq sends) and its connection closes, with a
    /// <see cref="SocketEventType.HandshakeFailed"/> event and a log entry that say why on this side.
    /// False makes the socket NULL again. Read as each tcp or ipc connection starts; set it before
    /// Bind and Connect.</summary>
    public bool PlainServer
    {
        get => _security == Security.PlainServer;
        set => _security = value ? Security.PlainServer : _plainUserName != null || _plainPassword != null ? Security.PlainClient : Security.Null;
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
            Security.PlainServer => new PlainServerMechanism(SocketType, RoutingId, AnnouncesIdentity, RefusePlain),
            _ => new NullMechanism(SocketType, RoutingId, AnnouncesIdentity),
        };
    }

    private string? RefusePlain(PlainCredentials c) => Context.Authenticator?.RefusePlain(c.Address, c.UserName, c.Password);
}
