using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Zmq.Tests.Sockets;

/// <summary>RADIO/DISH over udp (RFC 48, libzmq test_radio_dish over udp): one datagram per message
/// (group length, group, body), no JOIN traffic, the DISH filtering by its groups; what a malformed
/// or oversized datagram gets; which types may use udp, and how.</summary>
public sealed class RadioDishUdpTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static DishSocket BoundDish(string endpoint, params string[] groups)
    {
        var dish = new DishSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        foreach (var g in groups)
        {
            dish.Join(g);
        }
        dish.Bind(endpoint);
        return dish;
    }

    /// <summary>Sends to <paramref name="group"/> until the DISH has one (its socket is reading), then
    /// drains what followed: udp gives no sign of readiness.</summary>
    private static async Task ProbeAsync(RadioSocket radio, DishSocket dish, string group)
    {
        await Support.Wait.UntilAsync(() =>
        {
            radio.Send(group, "probe");
            return dish.TryReceive(out _, TimeSpan.FromMilliseconds(20));
        }, "a datagram reaches the DISH");
        while (dish.TryReceive(out _, TimeSpan.FromMilliseconds(50)))
        {
        }
    }

    [Fact]
    public async Task Unicast_TheDishGetsOnlyItsGroups_EachMessageWhole()
    {
        await using var dish = BoundDish("udp://127.0.0.1:*", "weather");
        Assert.StartsWith("udp://127.0.0.1:", dish.LastEndpoint);
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Connect(dish.LastEndpoint!);
        await ProbeAsync(radio, dish, "weather");

        radio.Send("news", "not joined");
        radio.Send("weath", "a prefix");
        radio.Send("weather", new byte[8000]);
        radio.Send("weather", "last");

        var big = dish.Receive();
        Assert.Equal(("weather", 8000), (big.Group, big.Length));
        var last = dish.Receive();
        Assert.Equal(("weather", "last"), (last.Group, last.ToString()));
        Assert.False(dish.TryReceive(out var extra, TimeSpan.FromMilliseconds(100)), $"unexpected {extra}");
    }

    [Fact]
    public async Task ManyThreads_SendOnOneRadio_AndReceiveOnOneDish_EachMessageOnceAndWhole()
    {
        await using var dish = BoundDish("udp://127.0.0.1:*", "a", "b", "c", "d");
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Connect(dish.LastEndpoint!);
        await ProbeAsync(radio, dish, "a");
        string[] groups = ["a", "b", "c", "d"];
        const int Each = 300;

        // udp promises no delivery: a window of messages in flight keeps the OS's socket buffer from
        // overflowing, so that every message must arrive and a loss is the library's.
        using var window = new SemaphoreSlim(64);
        var received = new System.Collections.Concurrent.ConcurrentBag<string>();
        var receivers = DishThreads.Receive(dish, groups.Length, Each, received, () => window.Release());
        var senders = groups.Select(g => Task.Run(async () =>
        {
            for (int i = 0; i < Each; i++)
            {
                Assert.True(await window.WaitAsync(Timeout), "the window opens again as the DISH receives");
                radio.Send(g, $"{g}:{i}");
            }
        })).ToArray();
        await Task.WhenAll([.. senders, .. receivers]).WaitAsync(Timeout * 2);

        Assert.Equal(DishThreads.Bodies(groups, Each), received.Order());
    }

    [Fact]
    public async Task Disconnect_StopsTheRadioSendingThere_AndUnbindStopsTheDishHearing()
    {
        await using var first = BoundDish("udp://127.0.0.1:*", "g");
        await using var second = BoundDish("udp://127.0.0.1:*", "g");
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Connect(first.LastEndpoint!);
        radio.Connect(second.LastEndpoint!);
        await ProbeAsync(radio, first, "g");
        await ProbeAsync(radio, second, "g");
        // The probes went to both.
        while (first.TryReceive(out _, TimeSpan.FromMilliseconds(50)) | second.TryReceive(out _, TimeSpan.FromMilliseconds(50)))
        {
        }

        radio.Disconnect(first.LastEndpoint!);
        Assert.Throws<InvalidEndpointException>(() => radio.Disconnect(first.LastEndpoint!));
        radio.Send("g", "only to the second");
        Assert.Equal("only to the second", second.ReceiveString());
        Assert.False(first.TryReceive(out var late, TimeSpan.FromMilliseconds(100)), $"unexpected {late}");

        second.Unbind(second.LastEndpoint!);
        radio.Send("g", "nobody hears");
        Assert.False(second.TryReceive(out var after, TimeSpan.FromMilliseconds(100)), $"unexpected {after}");
    }

    [Fact]
    public async Task ARadioThatStartsBeforeItsDish_SendsOn_OnceTheDishIsThere()
    {
        int port = FreeUdpPort();
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Connect($"udp://127.0.0.1:{port}");
        // Nobody listens: the OS answers with ICMP errors, which must not end the endpoint.
        for (int i = 0; i < 20; i++)
        {
            radio.Send("g", "into the void");
            await Task.Delay(5);
        }
        await using var dish = BoundDish($"udp://127.0.0.1:{port}", "g");
        await ProbeAsync(radio, dish, "g");
        radio.Send("g", "heard");
        Assert.Equal("heard", dish.ReceiveString());
    }

    [Fact]
    public async Task Unicast_OverIpv6()
    {
        await using var dish = BoundDish("udp://[::1]:*", "v6");
        Assert.StartsWith("udp://[::1]:", dish.LastEndpoint);
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Connect(dish.LastEndpoint!);
        await ProbeAsync(radio, dish, "v6");
        radio.Send("v6", "over ipv6");
        Assert.Equal(("v6", "over ipv6"), dish.Receive() is var m ? (m.Group, m.ToString()) : default);
    }

    [Fact]
    public async Task MalformedAndOversizedDatagrams_AreDropped_CountedInTheMetrics_AndTheDishGoesOn()
    {
        using var meter = new Support.MeterReader();
        await using var dish = BoundDish("udp://127.0.0.1:*", "g");
        int port = new Uri(dish.LastEndpoint!.Replace("udp://", "http://", StringComparison.Ordinal)).Port;
        using var raw = new UdpClient();
        raw.Connect(IPAddress.Loopback, port);

        byte[][] bad =
        [
            [],                                        // nothing at all
            [0, (byte)'x'],                            // a group of no bytes
            [5, (byte)'g'],                            // shorter than its group says
            [1, (byte)'g', .. new byte[9000]],         // longer than a datagram may be (8192)
        ];
        var good = Encoding.UTF8.GetBytes("\u0001gbody");
        await Support.Wait.UntilAsync(() =>
        {
            foreach (var d in bad)
            {
                raw.Send(d, d.Length);
            }
            raw.Send(good, good.Length);
            return dish.TryReceive(out var m, TimeSpan.FromMilliseconds(20)) && m.Group == "g" && m.ToString() == "body";
        }, "the well-formed datagram arrives among the bad ones");
        while (dish.TryReceive(out var m, TimeSpan.FromMilliseconds(50)))
        {
            Assert.Equal(("g", "body"), (m.Group, m.ToString()));
        }
        // Every round sent the four bad ones before the good one, so at least one round's worth was counted.
        long dropped = meter.Observe("zmq.messages.dropped", dish.LastEndpoint!, "zmq.drop.reason", "malformed");
        Assert.True(dropped >= bad.Length, $"{dropped} malformed datagrams counted");
        Assert.Equal(0, meter.Observe("zmq.messages.dropped", dish.LastEndpoint!, "zmq.drop.reason", "hwm"));
    }

    [Fact]
    public async Task Udp_IsForADishThatBindsAndARadioThatConnects()
    {
        await using var pub = new PublisherSocket();
        await using var radio = new RadioSocket();
        await using var dish = new DishSocket();
        var e = Assert.Throws<TransportNotSupportedException>(() => pub.Bind("udp://127.0.0.1:*"));
        Assert.Contains("a DISH binds and a RADIO connects", e.Message, StringComparison.Ordinal);
        Assert.Throws<TransportNotSupportedException>(() => radio.Bind("udp://127.0.0.1:*"));
        Assert.Throws<TransportNotSupportedException>(() => dish.Connect("udp://127.0.0.1:5000"));
        Assert.Throws<InvalidEndpointException>(() => radio.Connect("udp://*:5000"));
        Assert.Throws<InvalidEndpointException>(() => radio.Connect("udp://127.0.0.1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => radio.MulticastHops = 0);
    }

    [Fact]
    public async Task Multicast_OnLoopback_ReachesADishOnThisHost()
    {
        // 239.0.0.0/8 is for a site's own use; the DISH joins on loopback, and the RADIO sends through it.
        int port = FreeUdpPort();
        string group = $"239.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}.{Random.Shared.Next(1, 255)}";
        await using var dish = BoundDish($"udp://127.0.0.1;{group}:{port}", "m");
        await using var radio = new RadioSocket { Linger = TimeSpan.Zero };
        radio.Connect($"udp://127.0.0.1;{group}:{port}");
        await ProbeAsync(radio, dish, "m");
        radio.Send("m", "to the group");
        Assert.Equal("to the group", dish.ReceiveString());
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
