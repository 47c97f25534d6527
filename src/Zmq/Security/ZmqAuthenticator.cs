using System.Net;

namespace Zmq;

/// <summary>
/// Decides which peers a PLAIN server lets in, in-process, with the rules of ZAP (ZeroMQ RFC 27)
/// handlers such as CZMQ's zauth: first by address (with any <see cref="Allow"/>, only those; never
/// one given to <see cref="Deny"/>), then by credentials (a PLAIN user must have been added with
/// <see cref="AllowPlainUser"/>, with the same password). Set it on a context
/// (<see cref="ZmqContext.Authenticator"/>): it judges every handshake of that context's sockets
/// that act as a server. Without one, a PLAIN server lets any user in.
/// <para>Thread-safe: rules may be added while sockets use it; each handshake sees them as they are
/// then.</para>
/// </summary>
public sealed class ZmqAuthenticator
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _plainUsers = new(StringComparer.Ordinal);
    private readonly HashSet<IPAddress> _allowed = [];
    private readonly HashSet<IPAddress> _denied = [];

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
