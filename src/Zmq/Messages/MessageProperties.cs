using System.Collections;
using System.Text;

namespace Zmq;

/// <summary>
/// What is known of the connection a received message came in on (libzmq's message metadata,
/// <c>zmq_msg_gets</c>): the properties the peer announced in its handshake ("Socket-Type",
/// "Identity" and any others it sent), "Peer-Address", and what the server's authenticator or ZAP
/// handler returned: "User-Id" and its metadata. Names are case-insensitive; values are the bytes
/// as UTF-8 text.
/// <para>One object per tcp or ipc connection, shared by all its messages and immutable: reading it
/// costs the receiver nothing. Messages from an inproc peer, or made by the application, have none.</para>
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "libzmq's name for it is message properties; a dictionary is how they are read, not what they are")]
public sealed class MessageProperties : IReadOnlyDictionary<string, string>
{
    /// <summary>The property a server's authenticator or ZAP handler names the peer by.</summary>
    public const string UserIdName = "User-Id";

    /// <summary>The peer's address, as monitor events give it.</summary>
    public const string PeerAddressName = "Peer-Address";

    private const string SocketTypeName = "Socket-Type";

    private readonly Dictionary<string, string> _values;

    internal MessageProperties(IEnumerable<KeyValuePair<string, byte[]>> announced, string peerAddress, string? userId, IEnumerable<KeyValuePair<string, byte[]>>? granted)
    {
        _values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in announced)
        {
            _values[name] = Encoding.UTF8.GetString(value);
        }
        // What the server's side established overrides what the peer said of itself.
        foreach (var (name, value) in granted ?? [])
        {
            _values[name] = Encoding.UTF8.GetString(value);
        }
        _values[PeerAddressName] = peerAddress;
        if (!string.IsNullOrEmpty(userId))
        {
            _values[UserIdName] = userId;
        }
    }

    /// <summary>The id the server's authenticator or ZAP handler gave the peer (libzmq "User-Id"):
    /// from <see cref="ZmqAuthenticator"/>, a PLAIN user's name or a CURVE client's public key in
    /// Z85; from a ZAP handler, what its reply said. Null where nothing authenticated the peer.</summary>
    public string? UserId => _values.GetValueOrDefault(UserIdName);

    /// <summary>The socket type the peer announced ("Socket-Type").</summary>
    public string? SocketType => _values.GetValueOrDefault(SocketTypeName);

    /// <summary>The peer's address ("Peer-Address"): ip:port over tcp, the endpoint over ipc.</summary>
    public string PeerAddress => _values[PeerAddressName];

    /// <inheritdoc/>
    public string this[string key] => _values[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _values.Keys;

    /// <inheritdoc/>
    public IEnumerable<string> Values => _values.Values;

    /// <inheritdoc/>
    public int Count => _values.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out string value) => _values.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
