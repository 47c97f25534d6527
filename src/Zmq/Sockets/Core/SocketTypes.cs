namespace Zmq.Sockets.Core;

/// <summary>What a socket type is, fixed by the pattern (../shared ZMTP digest, section 1): its ZMTP
/// name, whether it is safe from many threads at once, whether it carries multipart messages, and
/// which directions it has, and whether every message carries a group (RADIO, DISH: a group frame
/// before each body on the wire and in the pipes, RFC 48).</summary>
internal readonly record struct SocketTypeTraits(string Name, bool ThreadSafe, bool Multipart, bool Sends, bool Receives, bool Grouped = false);

/// <summary>The one socket-type table: traits and the compatibility matrix (libzmq's
/// <c>mechanism_t::check_socket_type</c>, RFC 37). Everything that depends on the type asks here.</summary>
internal static class SocketTypes
{
    /// <summary>The longest group ZMTP carries (RFC 48: a one-byte length; libzmq ZMQ_GROUP_MAX_LENGTH).</summary>
    public const int MaxGroupLength = 255;

    private static readonly SocketTypeTraits[] Traits =
    [
        new("PAIR", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("PUB", ThreadSafe: false, Multipart: true, Sends: true, Receives: false),
        new("SUB", ThreadSafe: false, Multipart: true, Sends: false, Receives: true),
        new("REQ", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("REP", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("DEALER", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("ROUTER", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("PULL", ThreadSafe: false, Multipart: true, Sends: false, Receives: true),
        new("PUSH", ThreadSafe: false, Multipart: true, Sends: true, Receives: false),
        new("XPUB", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("XSUB", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("STREAM", ThreadSafe: false, Multipart: true, Sends: true, Receives: true),
        new("SERVER", ThreadSafe: true, Multipart: false, Sends: true, Receives: true),
        new("CLIENT", ThreadSafe: true, Multipart: false, Sends: true, Receives: true),
        new("RADIO", ThreadSafe: true, Multipart: false, Sends: true, Receives: false, Grouped: true),
        new("DISH", ThreadSafe: true, Multipart: false, Sends: false, Receives: true, Grouped: true),
        new("GATHER", ThreadSafe: true, Multipart: false, Sends: false, Receives: true),
        new("SCATTER", ThreadSafe: true, Multipart: false, Sends: true, Receives: false),
        new("DGRAM", ThreadSafe: true, Multipart: true, Sends: true, Receives: true),
        new("PEER", ThreadSafe: true, Multipart: false, Sends: true, Receives: true),
        new("CHANNEL", ThreadSafe: true, Multipart: false, Sends: true, Receives: true),
    ];

    /// <summary>Row = a socket type, bits = the types it accepts as peers.</summary>
    private static readonly int[] Peers = BuildPeers();

    public static SocketTypeTraits Of(ZmqSocketType type) => Traits[(int)type];

    public static string Name(ZmqSocketType type) => Traits[(int)type].Name;

    /// <summary>Whether <paramref name="self"/> accepts a peer announcing <paramref name="peerName"/>
    /// (compared byte for byte, as libzmq does: "client" is no CLIENT).</summary>
    public static bool Accepts(ZmqSocketType self, string peerName) =>
        TryParse(peerName, out var peer) && (Peers[(int)self] & (1 << (int)peer)) != 0;

    public static bool Accepts(ZmqSocketType self, ZmqSocketType peer) => (Peers[(int)self] & (1 << (int)peer)) != 0;

    /// <summary>The names of the types <paramref name="self"/> accepts, for error messages.</summary>
    public static string AcceptedNames(ZmqSocketType self) =>
        string.Join(" or ", Enum.GetValues<ZmqSocketType>().Where(t => Accepts(self, t)).Select(Name));

    public static bool TryParse(string name, out ZmqSocketType type)
    {
        for (int i = 0; i < Traits.Length; i++)
        {
            if (Traits[i].Name == name)
            {
                type = (ZmqSocketType)i;
                return true;
            }
        }
        type = default;
        return false;
    }

    private static int[] BuildPeers()
    {
        var peers = new int[Traits.Length];
        void Allow(ZmqSocketType a, params ZmqSocketType[] bs)
        {
            foreach (var b in bs)
            {
                peers[(int)a] |= 1 << (int)b;
            }
        }
        Allow(ZmqSocketType.Pair, ZmqSocketType.Pair);
        Allow(ZmqSocketType.Pub, ZmqSocketType.Sub, ZmqSocketType.XSub);
        Allow(ZmqSocketType.XPub, ZmqSocketType.Sub, ZmqSocketType.XSub);
        Allow(ZmqSocketType.Sub, ZmqSocketType.Pub, ZmqSocketType.XPub);
        Allow(ZmqSocketType.XSub, ZmqSocketType.Pub, ZmqSocketType.XPub);
        Allow(ZmqSocketType.Req, ZmqSocketType.Rep, ZmqSocketType.Router);
        Allow(ZmqSocketType.Rep, ZmqSocketType.Req, ZmqSocketType.Dealer);
        Allow(ZmqSocketType.Dealer, ZmqSocketType.Rep, ZmqSocketType.Dealer, ZmqSocketType.Router);
        Allow(ZmqSocketType.Router, ZmqSocketType.Req, ZmqSocketType.Dealer, ZmqSocketType.Router);
        Allow(ZmqSocketType.Pull, ZmqSocketType.Push);
        Allow(ZmqSocketType.Push, ZmqSocketType.Pull);
        Allow(ZmqSocketType.Server, ZmqSocketType.Client);
        Allow(ZmqSocketType.Client, ZmqSocketType.Server);
        Allow(ZmqSocketType.Radio, ZmqSocketType.Dish);
        Allow(ZmqSocketType.Dish, ZmqSocketType.Radio);
        Allow(ZmqSocketType.Scatter, ZmqSocketType.Gather);
        Allow(ZmqSocketType.Gather, ZmqSocketType.Scatter);
        Allow(ZmqSocketType.Dgram, ZmqSocketType.Dgram);
        Allow(ZmqSocketType.Peer, ZmqSocketType.Peer);
        Allow(ZmqSocketType.Channel, ZmqSocketType.Channel);
        // STREAM speaks no ZMTP: it has no ZMTP peers at all.
        return peers;
    }
}
