using System.Globalization;
using System.Net;

namespace Zmq.Transport;

/// <summary>A parsed endpoint: <c>transport://address</c>, with the transport that serves it.</summary>
internal sealed record Endpoint(string Transport, string Address, string Original, ITransport Handler)
{
    public static Endpoint Parse(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        int sep = endpoint.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
        {
            throw new InvalidEndpointException($"'{endpoint}' is not an endpoint: write transport://address, for example tcp://127.0.0.1:5555");
        }
        string transport = endpoint[..sep];
        string address = endpoint[(sep + 3)..];
        if (!TransportRegistry.TryGet(transport, out var handler))
        {
            throw new TransportNotSupportedException($"'{endpoint}': unknown transport '{transport}'; supported: {string.Join(", ", TransportRegistry.Schemes)}");
        }
        if (address.Length == 0)
        {
            throw new InvalidEndpointException($"'{endpoint}' has no address after '{transport}://'");
        }
        return new Endpoint(transport, address, endpoint, handler);
    }
}

/// <summary>A tcp address: host (literal, name, or * for all interfaces) and port (0 = ephemeral).</summary>
internal sealed record TcpAddress(string Host, int Port, string? SourceHost, int SourcePort)
{
    public bool IsWildcardHost => Host == "*";

    /// <summary>Parses <c>host:port</c> or, for connect, <c>source;host:port</c>.</summary>
    public static TcpAddress Parse(Endpoint ep, bool forBind)
    {
        string addr = ep.Address;
        string? srcHost = null;
        int srcPort = 0;
        int semi = addr.IndexOf(';', StringComparison.Ordinal);
        if (semi >= 0)
        {
            if (forBind)
            {
                throw new InvalidEndpointException($"'{ep.Original}': a source address (src;dst) is only valid for connect");
            }
            (srcHost, srcPort) = SplitHostPort(ep, addr[..semi], allowWildcardPort: true);
            if (srcHost != "*" && !IPAddress.TryParse(srcHost, out _))
            {
                // Checked here, not when dialling: a connection made in the background has no caller to tell.
                throw new InvalidEndpointException($"'{ep.Original}': the source of a src;dst connect is an IP address or *, with a port (0 or * for any), for example tcp://127.0.0.2:0;127.0.0.1:5555");
            }
            addr = addr[(semi + 1)..];
        }
        var (host, port) = SplitHostPort(ep, addr, allowWildcardPort: forBind);
        if (!forBind && (host == "*" || port == 0))
        {
            throw new InvalidEndpointException($"'{ep.Original}': connect needs a concrete host and a port from 1 to 65535");
        }
        return new TcpAddress(host, port, srcHost, srcPort);
    }

    private static (string Host, int Port) SplitHostPort(Endpoint ep, string s, bool allowWildcardPort)
    {
        int colon = s.LastIndexOf(':');
        if (colon <= 0 || colon == s.Length - 1)
        {
            throw new InvalidEndpointException($"'{ep.Original}': expected host:port, for example tcp://127.0.0.1:5555 or tcp://*:*");
        }
        string host = s[..colon];
        string portText = s[(colon + 1)..];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            if (!IPAddress.TryParse(host, out var a) || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw new InvalidEndpointException($"'{ep.Original}': '[{host}]' is not an IPv6 address");
            }
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new InvalidEndpointException($"'{ep.Original}': write IPv6 addresses in brackets, for example tcp://[::1]:5555");
        }
        int port;
        if (portText == "*")
        {
            if (!allowWildcardPort)
            {
                throw new InvalidEndpointException($"'{ep.Original}': port '*' is only valid for bind");
            }
            port = 0;
        }
        else if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            throw new InvalidEndpointException($"'{ep.Original}': port '{portText}' is not a number from 0 to 65535 or '*'");
        }
        return (host, port);
    }
}
