using System.Net;

namespace Zmq;

/// <summary>
/// Decides which peers a PLAIN or CURVE server lets in, in-process, with the rules of ZAP (ZeroMQ
/// RFC 27) handlers such as CZMQ's zauth: first by address (with any <see cref="Allow"/>, only
/// those; never one given to <see cref="Deny"/>), then by credentials (a PLAIN user must have been
/// added with <see cref="AllowPlainUser"/>, with the same password; a CURVE client's public key
/// with <see cref="AllowCurveKey(ReadOnlySpan{byte})"/>, unless <see cref="AllowAnyCurveKey"/>).
/// Set it on a context (<see cref="ZmqContext.Authenticator"/>): it judges every handshake of that
/// context's sockets that act as a server, and, by address alone, the peers of its NULL sockets that
/// have a <see cref="ZmqSocket.ZapDomain"/>. Without one, a PLAIN server lets any user in and a CURVE
/// server any client key.
/// <para>Thread-safe: rules may be added while sockets use it; each handshake sees them as they are
/// then.</para>
/// </summary>
public sealed class ZmqAuthenticator
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _plainUsers = new(StringComparer.Ordinal);
    private readonly HashSet<IPAddress> _allowed = [];
    private readonly HashSet<IPAddress> _denied = [];
    private readonly HashSet<string> _curveKeys = new(StringComparer.Ordinal);
    private bool _anyCurveKey;

    /// <summary>Lets in the CURVE client whose public key this is (32 bytes). Returns this authenticator.</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public ZmqAuthenticator AllowCurveKey(ReadOnlySpan<byte> publicKey)
    {
        string key = Z85.Encode(CurveKeyPair.CheckKey(publicKey, nameof(publicKey)));
        lock (_gate)
        {
            _curveKeys.Add(key);
        }
        return this;
    }

    /// <summary>Lets in the CURVE client whose public key this is, as 40 Z85 characters.</summary>
    /// <exception cref="ArgumentException">The text is not 40 Z85 characters.</exception>
    public ZmqAuthenticator AllowCurveKey(string publicKeyZ85) => AllowCurveKey(CurveKeyPair.ParseKey(publicKeyZ85, nameof(publicKeyZ85)));

    /// <summary>Lets in every CURVE client that completes the handshake, whatever its key (the
    /// traffic is still encrypted; the address rules still apply). Returns this authenticator.</summary>
    public ZmqAuthenticator AllowAnyCurveKey()
    {
        lock (_gate)
        {
            _anyCurveKey = true;
        }
        return this;
    }

    /// <summary>Null when the CURVE client may in, else why not.</summary>
    internal string? RefuseCurve(string peerAddress, byte[] clientKey)
    {
        lock (_gate)
        {
            return RefuseAddress(peerAddress) ?? (_anyCurveKey || _curveKeys.Contains(Z85.Encode(clientKey)) ? null : "the key is not among the allowed");
        }
    }

    /// <summary>Lets the PLAIN user <paramref name="userName"/> in with <paramref name="password"/>
    /// (a second call for the same user replaces the password). Returns this authenticator.</summary>
    /// <exception cref="ArgumentException">A name or password is longer than PLAIN's 255 bytes in UTF-8.</exception>
    public ZmqAuthenticator AllowPlainUser(string userName, string password)
    {
        CheckPlainField(userName, nameof(userName));
        CheckPlainField(password, nameof(password));
        lock (_gate)
        {
            _plainUsers[userName] = password;
        }
        return this;
    }

    /// <summary>Lets peers from <paramref name="address"/> in; once any address is allowed, peers
    /// from others are refused (over ipc, which has no addresses, this rule does not apply).</summary>
    public ZmqAuthenticator Allow(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            _allowed.Add(Normal(address));
        }
        return this;
    }

    /// <summary>Refuses peers from <paramref name="address"/>, whatever their credentials.</summary>
    public ZmqAuthenticator Deny(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            _denied.Add(Normal(address));
        }
        return this;
    }

    /// <summary>Null when the PLAIN peer may in, else why not (for the log and the monitor).</summary>
    internal string? RefusePlain(string peerAddress, string userName, string password)
    {
        lock (_gate)
        {
            if (RefuseAddress(peerAddress) is { } why)
            {
                return why;
            }
            if (!_plainUsers.TryGetValue(userName, out string? expected))
            {
                return "no such user";
            }
            // Compared in constant time: how long the check took tells nothing of the password.
            return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(password)) ? null : "wrong password";
        }
    }

    /// <summary>Null when a NULL peer from <paramref name="peerAddress"/> may in (the address rules
    /// alone), else why not.</summary>
    internal string? RefuseAddressOf(string peerAddress)
    {
        lock (_gate)
        {
            return RefuseAddress(peerAddress);
        }
    }

    private string? RefuseAddress(string peerAddress)
    {
        if (!IPEndPoint.TryParse(peerAddress, out var endPoint))
        {
            return null;
        }
        var address = Normal(endPoint.Address);
        if (_denied.Contains(address))
        {
            return $"address {address} is denied";
        }
        return _allowed.Count > 0 && !_allowed.Contains(address) ? $"address {address} is not among the allowed" : null;
    }

    /// <summary>An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.</summary>
    private static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    internal static void CheckPlainField(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (System.Text.Encoding.UTF8.GetByteCount(value) > 255)
        {
            throw new ArgumentException($"a PLAIN {name} is at most 255 bytes in UTF-8", name);
        }
    }
}
