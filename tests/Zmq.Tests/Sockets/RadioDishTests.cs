using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>RADIO and DISH (RFC 48, libzmq test_radio_dish), per transport: exact-match groups joined
/// and left at the DISH, fan-out at the RADIO, every receive form carrying the group.</summary>
public abstract class RadioDishTests : TransportTestBase
{
    protected static RadioSocket NewRadio() => new() { Linger = TimeSpan.Zero };

    protected static DishSocket NewDish() => new() { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    /// <summary>Sends probes to <paramref name="group"/> until one arrives (the JOIN has reached the
    /// RADIO), then drains the probes that followed it.</summary>
    internal static async Task JoinedAsync(RadioSocket radio, DishSocket dish, string group)
    {
        string probe = "\u0001probe";
        await Support.Wait.UntilAsync(() =>
        {
            radio.Send(group, probe);
            return dish.TryReceive(out var m, TimeSpan.FromMilliseconds(20)) && m.Group == group && m.ToString() == probe;
        }, $"the JOIN of '{group}' reaches the RADIO");
        while (dish.TryReceive(out var m, TimeSpan.FromMilliseconds(50)))
        {
            Assert.Equal(probe, m.ToString());
        }
    }

    private async Task<(RadioSocket Radio, DishSocket Dish)> JoinedPairAsync(params string[] groups)
    {
        var radio = NewRadio();
        radio.Bind(AnyEndpoint);
        var dish = NewDish();
        dish.Connect(radio.LastEndpoint!);
        foreach (var g in groups)
        {
            dish.Join(g);
        }
        foreach (var g in groups)
        {
            await JoinedAsync(radio, dish, g);
        }
        return (radio, dish);
    }

    [Fact]
    public async Task Radio_WithNoDrop_AtTheHighWaterMark_Waits_AndEveryMessageArrives()
    {
        await using var radio = new RadioSocket { NoDrop = true, SendHighWatermark = 2, SendTimeout = TimeSpan.FromMilliseconds(50), Linger = TimeSpan.Zero };
        radio.Bind(AnyEndpoint);
        await using var dish = new DishSocket { ReceiveHighWatermark = 2, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        dish.Connect(radio.LastEndpoint!);
        dish.Join("g");
        await JoinedAsync(radio, dish, "g");

        // Large bodies, so that the kernel's buffers between the two fill soon too.
        var body = new byte[64 * 1024];
        int sent = 0;
        await Support.Wait.UntilAsync(() =>
        {
            while (sent < 10_000 && radio.TrySend("g", Stamp(body, sent)))
            {
                sent++;
            }
            try
            {
                // Room may come back while the connection drains into the kernel: then fill on.
                radio.Send("g", Stamp(body, sent));
                sent++;
                return false;
            }
            catch (TimeoutException)
            {
                return true;
            }
        }, "the RADIO fills the DISH's queues and waits, for longer than its SendTimeout");

        for (int i = 0; i < sent; i++)
        {
            var m = dish.Receive();
            Assert.Equal(i, BitConverter.ToInt32(m.Span));
        }
        radio.SendTimeout = Timeout;
        radio.Send("g", Stamp(body, sent));
        Assert.Equal(sent, BitConverter.ToInt32(dish.Receive().Span));

        static byte[] Stamp(byte[] body, int n)
        {
            BitConverter.TryWriteBytes(body, n);
            return body;
        }
    }

    [Fact]
    public async Task Dish_ReceivesOnlyTheGroupsItJoined_MatchedExactlyNotByPrefix()
    {
        var (radio, dish) = await JoinedPairAsync("weather");
        await using var disposeRadio = radio;
        await using var disposeDish = dish;

        radio.Send("weath", "a prefix of the group");
        radio.Send("weather.rain", "the group is a prefix of it");
        radio.Send("news", "another group");
        radio.Send("weather", "joined");

        var m = dish.Receive();
        Assert.Equal("joined", m.ToString());
        Assert.Equal("weather", m.Group);
        Assert.Equal(0u, m.RoutingId);
        Assert.False(dish.TryReceive(out _, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public async Task Leave_StopsTheGroup_AndJoiningAgainBringsItBack()
    {
        var (radio, dish) = await JoinedPairAsync("a", "b");
        await using var disposeRadio = radio;
        await using var disposeDish = dish;

        dish.Leave("a");
        radio.Send("a", "left");
        radio.Send("b", "still joined");
        Assert.Equal("still joined", dish.ReceiveString());

        dish.Join("a");
        await JoinedAsync(radio, dish, "a");
        radio.Send("a", "back");
        Assert.Equal("back", dish.ReceiveString());
    }

    [Fact]
    public async Task Radio_FansOutToEveryDishThatJoinedTheGroup_AndOnlyThose()
    {
        await using var radio = NewRadio();
        radio.Bind(AnyEndpoint);
        await using var red1 = NewDish();
        await using var red2 = NewDish();
        await using var blue = NewDish();
        foreach (var (dish, group) in new[] { (red1, "red"), (red2, "red"), (blue, "blue") })
        {
            dish.Connect(radio.LastEndpoint!);
            dish.Join(group);
            await JoinedAsync(radio, dish, group);
        }
        // The probes for red2 reached red1 too.
        while (red1.TryReceive(out var probe, TimeSpan.FromMilliseconds(50)))
        {
            Assert.Equal("red", probe.Group);
        }

        // Above 64 bytes, one payload is shared by the queues: each DISH still gets its own copy.
        var big = Encoding.ASCII.GetBytes(new string('r', 1000));
        radio.Send("red", big);
        radio.Send("blue", "b");

        var a = red1.Receive();
        var b = red2.Receive();
        Assert.Equal(big, a.Span.ToArray());
        Assert.Equal(big, b.Span.ToArray());
        Assert.NotSame(a.Buffer, b.Buffer);
        Assert.Equal("b", blue.ReceiveString());
        Assert.False(blue.TryReceive(out _, TimeSpan.FromMilliseconds(50)));
        Assert.False(red1.TryReceive(out _, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task EveryReceiveForm_CarriesTheGroup_AndEverySendFormSendsToIt()
    {
        string longGroup = new('g', 200);
        var (radio, dish) = await JoinedPairAsync("g", longGroup);
        await using var disposeRadio = radio;
        await using var disposeDish = dish;

        radio.Send("g", "span"u8);
        Assert.True(radio.TrySend(longGroup, "try"));
        await radio.SendAsync("g", "async");
        var outgoing = MessageBuffer.Rent(100);
        outgoing.Span.Fill((byte)'x');
        radio.Send(longGroup, ref outgoing);
        Assert.False(outgoing.IsAllocated);

        var m = dish.Receive();
        Assert.Equal(("span", "g"), (m.ToString(), m.Group));
        var buffer = new byte[16];
        var r = dish.Receive(buffer);
        Assert.Equal(("try", longGroup), (Encoding.ASCII.GetString(buffer, 0, r.Length), r.Group));
        var a = await dish.ReceiveAsync();
        Assert.Equal(("async", "g"), (a.ToString(), a.Group));
        using (var received = dish.ReceiveBuffer())
        {
            Assert.Equal((100, longGroup), (received.Length, received.Group));
        }
    }

    [Fact]
    public async Task ABodyLongerThanTheBuffer_StaysQueuedWithItsGroup()
    {
        var (radio, dish) = await JoinedPairAsync("g");
        await using var disposeRadio = radio;
        await using var disposeDish = dish;
        radio.Send("g", new byte[100]);

        var e = Assert.Throws<BufferTooSmallException>(() => dish.Receive(new byte[10]));

        Assert.Equal(100, e.MessageLength);
        var r = dish.Receive(new byte[100]);
        Assert.Equal((100, "g"), (r.Length, r.Group));
    }

    [Fact]
    public async Task WrongUse_ThrowsWithAMessageThatSaysWhatToDo()
    {
        await using var radio = NewRadio();
        await using var dish = NewDish();
        dish.Join("g");

        Assert.Contains("already", Assert.Throws<InvalidOperationException>(() => dish.Join("g")).Message);
        Assert.Contains("not joined", Assert.Throws<InvalidOperationException>(() => dish.Leave("other")).Message);
        Assert.Throws<ArgumentException>(() => dish.Join(""));
        Assert.Throws<ArgumentException>(() => dish.Join(new string('x', 256)));
        Assert.Contains("group", Assert.Throws<ArgumentException>(() => radio.Send("", "x")).Message);
        Assert.Contains("256", Assert.Throws<ArgumentException>(() => radio.Send(new string('é', 128), "x")).Message);
        Assert.Throws<NotSupportedException>(() => dish.Core().SendFrame("x"u8, more: false, 0, "g"u8));
        Assert.Throws<NotSupportedException>(() => radio.Core().TryReceive(out Message _));
    }

    [Fact]
    public async Task ManyThreads_SendOnOneRadio_AndReceiveOnOneDish_EachJoinedMessageOnceAndWhole()
    {
        await using var radio = new RadioSocket { NoDrop = true, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        radio.Bind(AnyEndpoint);
        await using var dish = NewDish();
        dish.Connect(radio.LastEndpoint!);
        string[] groups = ["a", "b", "c", "d"];
        foreach (var g in groups)
        {
            dish.Join(g);
        }
        foreach (var g in groups)
        {
            await JoinedAsync(radio, dish, g);
        }
        const int Each = 500;

        var received = new System.Collections.Concurrent.ConcurrentBag<string>();
        var receivers = DishThreads.Receive(dish, groups.Length, Each, received);
        // A fifth thread sends to a group nobody joined: none of it may arrive.
        var senders = groups.Append("unjoined").Select(g => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                radio.Send(g, $"{g}:{i}");
            }
        })).ToArray();
        await Task.WhenAll([.. senders, .. receivers]).WaitAsync(Timeout * 2);

        Assert.Equal(DishThreads.Bodies(groups, Each), received.Order());
        Assert.False(dish.TryReceive(out var extra, TimeSpan.FromMilliseconds(50)), $"an extra message arrived: {extra}");
    }
}

/// <summary>The RADIO/DISH rules that need a connection: joins sent again after a reconnect, and a
/// peer that breaks RFC 48's message shape losing its connection.</summary>
public abstract class ReconnectingRadioDishTests : RadioDishTests
{
    [Fact]
    public async Task Groups_AreJoinedAgainAfterAReconnect()
    {
        string endpoint = FreshEndpoint();
        var radio = NewRadio();
        radio.Bind(endpoint);
        await using var dish = NewDish();
        var events = dish.Monitor();
        dish.Connect(endpoint);
        dish.Join("kept");
        await JoinedAsync(radio, dish, "kept");
        await radio.DisposeAsync();
        await events.NextAsync(SocketEventType.Disconnected);

        await using var again = NewRadio();
        again.Bind(endpoint);
        await JoinedAsync(again, dish, "kept");
        again.Send("other", "not joined");
        again.Send("kept", "end");
        Assert.Equal("end", dish.ReceiveString());
    }

    [Theory]
    [InlineData("a body with no group frame before it")]
    [InlineData("a group frame longer than 255 bytes")]
    [InlineData("a body with MORE set")]
    public async Task Dish_APeerSendingAMessageOfAnotherShape_LosesItsConnection_WithALogEntry(string shape)
    {
        var log = new Support.RecordingLogger();
        await using var dish = new DishSocket { Logger = log, Linger = TimeSpan.Zero };
        dish.Join("g");
        dish.Bind(AnyEndpoint);
        await using var peer = await Support.RawPeer.ConnectAsync(dish.LastEndpoint!);
        await peer.HandshakeAsync("RADIO");

        byte[][] frames = shape switch
        {
            "a body with no group frame before it" => [Support.RawPeer.MessageFrame("body")],
            "a group frame longer than 255 bytes" => [[0x03, 0, 0, 0, 0, 0, 0, 1, 0, .. new byte[256]], Support.RawPeer.MessageFrame("body")],
            _ => [Support.RawPeer.MessageFrame("g", more: true), Support.RawPeer.MessageFrame("body", more: true), Support.RawPeer.MessageFrame("x")],
        };
        await peer.SendAsync(frames);

        Assert.True(await peer.WaitClosedAsync(Timeout), "the DISH closed the connection");
        await log.WaitForAsync(Support.RecordingLogger.ProtocolErrorId, "RADIO message");
        Assert.False(dish.TryReceive(out _));
    }
}

public sealed class RadioDishOverTcp : ReconnectingRadioDishTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class RadioDishOverIpc : ReconnectingRadioDishTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class RadioDishOverInproc : RadioDishTests
{
    protected override string AnyEndpoint => $"inproc://radio-dish-{Guid.NewGuid():N}";
}

/// <summary>Many threads receiving on one DISH, for the thread-safety tests of every transport.</summary>
internal static class DishThreads
{
    /// <summary>Starts <paramref name="threads"/> receivers that take <paramref name="each"/>
    /// messages apiece into <paramref name="received"/>, each checked to be whole: its body,
    /// "group:n", names the group it came with, so another thread's message mixed in shows.</summary>
    public static Task[] Receive(DishSocket dish, int threads, int each, System.Collections.Concurrent.ConcurrentBag<string> received, Action? afterEach = null) =>
        Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < each; i++)
            {
                var m = dish.Receive();
                Assert.StartsWith(m.Group + ":", m.ToString(), StringComparison.Ordinal);
                received.Add(m.ToString());
                afterEach?.Invoke();
            }
        })).ToArray();

    /// <summary>Every body the senders sent, "group:n", in order.</summary>
    public static IEnumerable<string> Bodies(string[] groups, int each) =>
        groups.SelectMany(g => Enumerable.Range(0, each).Select(i => $"{g}:{i}")).Order();
}
