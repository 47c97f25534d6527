using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Zmq.Transport;

/// <summary>udp:// (RADIO connects, DISH binds), with libzmq's endpoint forms: <c>udp://host:port</c>
/// (unicast), <c>udp://*:port</c> (a DISH on every interface), <c>udp://group:port</c> and
/// <c>udp://iface;group:port</c> (multicast; iface an address, an interface name or <c>*</c>). No
/// connection and no handshake: each message is one datagram (see <see cref="Engine.UdpEngine"/>).</summary>
internal sealed class UdpTransport : ITransport
{
    public static readonly UdpTransport Instance = new();

    private UdpTransport()
    {
    }

    public string Scheme => "udp";

    /// <summary>Opens the socket a DISH reads from: bound to the port, joined to the group if the
    /// address is a multicast one (with loopback on, so a RADIO on this host is heard).</summary>
    public static Socket Listen(Endpoint ep, bool ipv6, out string bound)
    {
        var a = UdpAddress.Parse(ep, forBind: true, ipv6);
        var family = a.EndPoint.AddressFamily;
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, a.Multicast);
            var any = family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any;
            socket.Bind(new IPEndPoint(a.Multicast ? any : a.EndPoint.Address, a.EndPoint.Port));
            if (a.Multicast)
            {
                if (family == AddressFamily.InterNetworkV6)
                {
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(a.EndPoint.Address, a.InterfaceIndex));
                }
                else
                {
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(a.EndPoint.Address, a.Interface ?? IPAddress.Any));
                }
            }
            bound = $"udp://{(a.Interface is { } i ? i + ";" : "")}{Host(a.EndPoint.Address)}:{((IPEndPoint)socket.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture)}";
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new AddressInUseException($"'{ep.Original}': cannot bind: {e.Message}");
        }
    }

    /// <summary>Opens the socket a RADIO sends from, aimed at the endpoint's address.</summary>
    public static Socket Dial(Endpoint ep, bool ipv6, int multicastHops)
    {
        var a = UdpAddress.Parse(ep, forBind: false, ipv6);
        var family = a.EndPoint.AddressFamily;
        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (a.Multicast)
            {
                if (family == AddressFamily.InterNetworkV6)
                {
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, multicastHops);
                    socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, true);
                    if (a.InterfaceIndex != 0)
                    {
                        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, a.InterfaceIndex);
                    }
                }
                else
                {
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, multicastHops);
                    socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
                    if (a.Interface is { } iface && !iface.Equals(IPAddress.Any))
                    {
                        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, iface.GetAddressBytes());
                    }
                }
            }
            socket.Connect(a.EndPoint);
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new InvalidEndpointException($"'{ep.Original}': cannot send there: {e.Message}");
        }
    }

    private static string Host(IPAddress a) => a.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{a}]" : a.ToString();

    /// <summary>A parsed udp address: where to bind or send, and for multicast the interface.</summary>
    private readonly record struct UdpAddress(IPEndPoint EndPoint, IPAddress? Interface, int InterfaceIndex)
    {
        public bool Multicast => EndPoint.Address.IsIPv6Multicast || (EndPoint.AddressFamily == AddressFamily.InterNetwork && (EndPoint.Address.GetAddressBytes()[0] & 0xF0) == 0xE0);

        public static UdpAddress Parse(Endpoint ep, bool forBind, bool ipv6)
        {
            string addr = ep.Address;
            string? ifaceText = null;
            int semi = addr.IndexOf(';', StringComparison.Ordinal);
            if (semi >= 0)
            {
                ifaceText = addr[..semi];
                addr = addr[(semi + 1)..];
            }
            int colon = addr.LastIndexOf(':');
            int port = 0;
            // A DISH may let the OS choose (udp://127.0.0.1:*, the real port in LastEndpoint).
            bool anyPort = forBind && colon > 0 && addr[(colon + 1)..] == "*";
            if (colon <= 0 || (!anyPort && (!int.TryParse(addr[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)))
            {
                throw new InvalidEndpointException($"'{ep.Original}': expected [interface;]host:port with a port from 1 to 65535 (or * to bind any), for example udp://127.0.0.1:5556 or udp://*;239.1.1.1:5556");
            }
            string host = addr[..colon];
            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1];
            }
            IPAddress address;
            if (host == "*")
            {
                if (!forBind)
                {
                    throw new InvalidEndpointException($"'{ep.Original}': a RADIO sends to a concrete host or multicast group, not *");
                }
                address = ipv6 ? IPAddress.IPv6Any : IPAddress.Any;
            }
            else if (!IPAddress.TryParse(host, out address!))
            {
                address = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork || (ipv6 && a.AddressFamily == AddressFamily.InterNetworkV6))
                    ?? throw new InvalidEndpointException($"'{ep.Original}': '{host}' does not resolve");
            }
            var (iface, index) = ParseInterface(ep, ifaceText);
            var result = new UdpAddress(new IPEndPoint(address, port), iface, index);
            if (ifaceText != null && !result.Multicast)
            {
                throw new InvalidEndpointException($"'{ep.Original}': an interface goes only with a multicast group (224.0.0.0/4 or ff00::/8)");
            }
            return result;
        }

        private static (IPAddress? Address, int Index) ParseInterface(Endpoint ep, string? text)
        {
            if (text is null or "*")
            {
                return (text is null ? null : IPAddress.Any, 0);
            }
            if (IPAddress.TryParse(text, out var address))
            {
                return (address, 0);
            }
            var nic = NetworkInterface.GetAllNetworkInterfaces().FirstOrDefault(n => n.Name == text)
                ?? throw new InvalidEndpointException($"'{ep.Original}': no network interface named '{text}'");
            var props = nic.GetIPProperties();
            var v4 = props.UnicastAddresses.FirstOrDefault(u => u.Address.AddressFamily == AddressFamily.InterNetwork)?.Address;
            int index = props.GetIPv6Properties()?.Index ?? 0;
            return (v4, index);
        }
    }
}
