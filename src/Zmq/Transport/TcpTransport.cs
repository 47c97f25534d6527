using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Zmq.Transport;

/// <summary>tcp:// listeners and dialers. Knows addresses and sockets, not frames.</summary>
internal sealed class TcpTransport : IStreamTransport
{
    public static readonly TcpTransport Instance = new();

    private TcpTransport()
    {
    }

    public string Scheme => "tcp";

    public StreamListener Listen(Endpoint ep, in TransportSettings settings)
    {
        var addr = TcpAddress.Parse(ep, forBind: true);
        var ip = ResolveBindAddress(ep, addr, settings.Ipv6);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (ip.AddressFamily == AddressFamily.InterNetworkV6 && addr.IsWildcardHost)
            {
                socket.DualMode = true;
            }
            if (OperatingSystem.IsLinux())
            {
                // SO_REUSEADDR only (not SO_REUSEPORT, which .NET's ReuseAddress also sets on Unix):
                // rebinding a port in TIME_WAIT works, a second live bind still fails as it should.
                socket.SetRawSocketOption(1, 2, BitConverter.GetBytes(1));
            }
            // Accepted sockets inherit buffer sizes from the listener, and window scaling needs them
            // set before the connection exists.
            settings.Options.Apply(socket);
            socket.Bind(new IPEndPoint(ip, addr.Port));
            socket.Listen(settings.Backlog);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => new AddressInUseException(
                    $"cannot bind {ep.Original}: the address is already in use; pick another port or bind port * for an ephemeral one", e),
                _ => new ZmqException(ZmqError.AddressNotAvailable, $"cannot bind {ep.Original}: {e.Message}", e),
            };
        }
        return new StreamListener(socket, Format((IPEndPoint)socket.LocalEndPoint!), static () => { });
    }

    public static string Format(IPEndPoint ep) =>
        ep.AddressFamily == AddressFamily.InterNetworkV6 && !ep.Address.IsIPv4MappedToIPv6
            ? $"tcp://[{ep.Address}]:{ep.Port}"
            : $"tcp://{(ep.Address.IsIPv4MappedToIPv6 ? ep.Address.MapToIPv4() : ep.Address)}:{ep.Port}";

    private static IPAddress ResolveBindAddress(Endpoint ep, TcpAddress addr, bool ipv6)
    {
        if (addr.IsWildcardHost)
        {
            return ipv6 ? IPAddress.IPv6Any : IPAddress.Any;
        }
        if (IPAddress.TryParse(addr.Host, out var literal))
        {
            return literal;
        }
        // An interface name (eth0, lo) as libzmq allows, else a host name.
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.Name == addr.Host)
            {
                foreach (var u in nic.GetIPProperties().UnicastAddresses)
                {
                    if (u.Address.AddressFamily == AddressFamily.InterNetwork || (ipv6 && u.Address.AddressFamily == AddressFamily.InterNetworkV6))
                    {
                        return u.Address;
                    }
                }
            }
        }
        try
        {
            return Pick(Dns.GetHostAddresses(addr.Host), ipv6)
                ?? throw new InvalidEndpointException($"'{ep.Original}': '{addr.Host}' has no usable address");
        }
        catch (SocketException e)
        {
            throw new InvalidEndpointException($"'{ep.Original}': '{addr.Host}' is neither an address, an interface nor a resolvable host name ({e.Message})");
        }
    }

    private static IPAddress? Pick(IPAddress[] candidates, bool preferIpv6)
    {
        IPAddress? v4 = null, v6 = null;
        foreach (var a in candidates)
        {
            if (a.AddressFamily == AddressFamily.InterNetwork)
            {
                v4 ??= a;
            }
            else if (a.AddressFamily == AddressFamily.InterNetworkV6)
            {
                v6 ??= a;
            }
        }
        return preferIpv6 ? v6 ?? v4 : v4 ?? v6;
    }

    /// <summary>Dials once. Host names are resolved on every attempt so a moved peer is found.</summary>
    public async Task<Socket> ConnectAsync(Endpoint ep, TransportSettings settings, CancellationToken ct)
    {
        var addr = TcpAddress.Parse(ep, forBind: false);
        IPAddress ip = IPAddress.TryParse(addr.Host, out var literal)
            ? literal
            : Pick(await Dns.GetHostAddressesAsync(addr.Host, ct).ConfigureAwait(false), settings.Ipv6)
              ?? throw new SocketException((int)SocketError.HostNotFound);
        var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            settings.Options.Apply(socket);
            if (addr.SourceHost != null)
            {
                var src = addr.SourceHost == "*" ? (ip.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any) : IPAddress.Parse(addr.SourceHost);
                socket.Bind(new IPEndPoint(src, addr.SourcePort));
            }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
            if (settings.ConnectTimeout > TimeSpan.Zero)
            {
                linked.CancelAfter(settings.ConnectTimeout);
            }
            await socket.ConnectAsync(new IPEndPoint(ip, addr.Port), linked.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void ValidateConnect(Endpoint ep) => TcpAddress.Parse(ep, forBind: false);

    /// <summary>An accepted socket inherits the listener's buffer sizes and keepalive settings, but
    /// not NoDelay.</summary>
    public void PrepareAccepted(Socket socket, StreamOptions options) => socket.NoDelay = true;
}
