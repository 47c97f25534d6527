using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>RADIO/DISH between our sockets and libzmq 4.3.5's, both ways, over each stream
/// transport: the group frame before each body, JOIN and LEAVE as ZMTP commands, exact matching;
/// and over udp, unicast and multicast, both ways.</summary>
public class RadioDishInteropTests
{
    private static readonly byte[] Probe = Encoding.UTF8.GetBytes("probe");

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurRadio_SendsALibzmqDishOnlyTheGroupsItJoined(string transport)
    {
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "dish", Connect = radio.LastEndpoint });
        await peer.JoinAsync("weather");
        await peer.JoinAsync(new string('w', 200));

        // libzmq sends its JOINs once connected, each when it is made: probe the group joined last
        // until it arrives (JOINs are applied in order, so "weather" is in by then too).
        (string Group, byte[] Body) got;
        do
        {
            radio.Send(new string('w', 200), Probe);
            got = await ReceiveOrDefaultAsync(peer);
        }
        while (got.Body == null);
        radio.Send("weath", "a prefix");
        radio.Send("news", "not joined");
        radio.Send(new string('w', 200), new byte[1000]);
        radio.Send("weather", "last");

        var longGroup = await NextRealAsync(peer);
        Assert.Equal((new string('w', 200), 1000), (longGroup.Group, longGroup.Body.Length));
        var last = await NextRealAsync(peer);
        Assert.Equal(("weather", "last"), (last.Group, Encoding.UTF8.GetString(last.Body)));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task LibzmqRadio_SendsOurDishOnlyTheGroupsItJoined_AndLeaveStopsThem(string transport)
    {
        await using var dish = new DishSocket { Linger = TimeSpan.Zero, ReceiveTimeout = Ours.Wait };
        dish.Join("a");
        dish.Join("b");
        dish.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "radio", Connect = dish.LastEndpoint });

        await ProbeUntilAsync(peer, dish, "a");
        await peer.SendToGroupAsync("c", Encoding.UTF8.GetBytes("not joined"));
        await peer.SendToGroupAsync("b", Encoding.UTF8.GetBytes("to b"));
        var m = NextReal(dish);
        Assert.Equal(("b", "to b"), (m.Group, m.ToString()));

        dish.Leave("b");
        // The LEAVE reaches libzmq in order with later traffic only from its side; "a" still flows.
        await peer.SendToGroupAsync("b", Encoding.UTF8.GetBytes("left"));
        await peer.SendToGroupAsync("a", Encoding.UTF8.GetBytes("to a"));
        m = NextReal(dish);
        Assert.Equal(("a", "to a"), (m.Group, m.ToString()));
        Assert.False(dish.TryReceive(out var extra, TimeSpan.FromMilliseconds(200)), $"unexpected {extra.Group}: {extra}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OurRadio_OverUdp_ReachesALibzmqDish_WhichKeepsOnlyItsGroups(bool multicast)
    {
        string endpoint = UdpEndpoint(multicast);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "dish", Bind = endpoint });
        await peer.WaitForReadyAsync();
        await peer.JoinAsync("weather");
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Connect(endpoint);

        // udp gives no sign that libzmq reads yet: probe until one arrives.
        (string Group, byte[] Body) got;
        do
        {
            radio.Send("weather", Probe);
            got = await ReceiveOrDefaultAsync(peer);
        }
        while (got.Body == null);
        radio.Send("news", "not joined");
        radio.Send("weather", new byte[5000]);
        radio.Send("weather", "last");

        var big = await NextRealAsync(peer);
        Assert.Equal(("weather", 5000), (big.Group, big.Body.Length));
        var last = await NextRealAsync(peer);
        Assert.Equal(("weather", "last"), (last.Group, Encoding.UTF8.GetString(last.Body)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LibzmqRadio_OverUdp_ReachesOurDish_WhichKeepsOnlyItsGroups(bool multicast)
    {
        await using var dish = new DishSocket { Linger = TimeSpan.Zero, ReceiveTimeout = Ours.Wait };
        dish.Join("a");
        dish.Bind(multicast ? UdpEndpoint(multicast) : "udp://127.0.0.1:*");
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "radio", Connect = dish.LastEndpoint });
        await peer.WaitForReadyAsync();

        await ProbeUntilAsync(peer, dish, "a");
        await peer.SendToGroupAsync("c", Encoding.UTF8.GetBytes("not joined"));
        await peer.SendToGroupAsync("a", Encoding.UTF8.GetBytes("to a"));
        var m = NextReal(dish);
        Assert.Equal(("a", "to a"), (m.Group, m.ToString()));
        Assert.False(dish.TryReceive(out var extra, TimeSpan.FromMilliseconds(200)), $"unexpected {extra.Group}: {extra}");
    }

    /// <summary>Unicast to a free port on loopback, or a multicast group (239/8, a site's own) joined
    /// and sent to through the loopback interface, as libzmq writes it: <c>udp://iface;group:port</c>.</summary>
    private static string UdpEndpoint(bool multicast) => multicast
        ? $"udp://127.0.0.1;239.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}:{FreeUdpPort()}"
        : $"udp://127.0.0.1:{FreeUdpPort()}";

    private static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    private static async Task ProbeUntilAsync(NodePeer peer, DishSocket dish, string group)
    {
        using var cts = new CancellationTokenSource(Ours.Wait);
        while (true)
        {
            cts.Token.ThrowIfCancellationRequested();
            await peer.SendToGroupAsync(group, Probe);
            if (dish.TryReceive(out var m, TimeSpan.FromMilliseconds(100)))
            {
                Assert.Equal(group, m.Group);
                return;
            }
        }
    }

    private static Message NextReal(DishSocket dish)
    {
        Message m;
        do
        {
            m = dish.Receive();
        }
        while (m.Span.SequenceEqual(Probe));
        return m;
    }

    private static async Task<(string Group, byte[] Body)> ReceiveOrDefaultAsync(NodePeer peer)
    {
        try
        {
            return await peer.ReceiveFromGroupAsync("a probe", TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException)
        {
            return default;
        }
    }

    private static async Task<(string Group, byte[] Body)> NextRealAsync(NodePeer peer)
    {
        while (true)
        {
            var got = await peer.ReceiveFromGroupAsync("a message after the probes");
            if (!got.Body.AsSpan().SequenceEqual(Probe))
            {
                return got;
            }
        }
    }
}
