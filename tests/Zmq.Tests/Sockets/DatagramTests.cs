using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Zmq.Tests.Sockets;

/// <summary>DGRAM (libzmq test_dgram): raw udp datagrams, each message an address frame and a body,
/// both ways, with plain udp programs too; udp only, bind only.</summary>
public sealed class DatagramTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static DatagramSocket Bound(string endpoint = "udp://127.0.0.1:*")
    {
        var s = new DatagramSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        s.Bind(endpoint);
        return s;
    }

    private static string Address(ZmqSocket s) => s.LastEndpoint!["udp://".Length..];

    [Fact]
    public async Task TwoDgrams_ExchangeMessages_EachNamingItsSender()
    {
        await using var a = Bound();
        await using var b = Bound();
        using (var m = new MultipartMessage(Address(b), "hello"))
        {
            a.SendMultipart(m);
        }
        using var got = b.ReceiveMultipart();
        Assert.Equal(2, got.Count);
        Assert.Equal(Address(a), got[0].ToString());
        Assert.Equal("hello", got[1].ToString());

        // A reply goes to the address the message came from.
        using (var reply = new MultipartMessage(got[0].ToString(), "back"))
        {
            b.SendMultipart(reply);
        }
        using var back = a.ReceiveMultipart();
        Assert.Equal((Address(b), "back"), (back[0].ToString(), back[1].ToString()));
        Assert.True(a.IsThreadSafe);
    }

    [Fact]
    public async Task AReplyADgramQueued_GoesOut_WhenItIsDisposedRightAfter_WithinItsLinger()
    {
        using var plain = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var plainAddress = (IPEndPoint)plain.Client.LocalEndPoint!;
        // Many times: the dispose races the write loop, which must send what was queued before it
        // lets the endpoint's socket close.
        for (int i = 0; i < 50; i++)
        {
            var dgram = new DatagramSocket { Linger = TimeSpan.FromSeconds(5), ReceiveTimeout = Timeout };
            dgram.Bind("udp://127.0.0.1:*");
            // As the CLI's echo: a datagram comes in, the reply goes out, the socket is disposed.
            await plain.SendAsync(Encoding.UTF8.GetBytes("ask"), (IPEndPoint)IPEndPoint.Parse(Address(dgram)));
            using (var asked = dgram.ReceiveMultipart())
            using (var m = new MultipartMessage(asked[0].ToString(), $"last words {i}"))
            {
                dgram.SendMultipart(m);
            }
            dgram.Dispose();
            var datagram = await plain.ReceiveAsync().WaitAsync(Timeout);
            Assert.Equal($"last words {i}", Encoding.UTF8.GetString(datagram.Buffer));
        }
    }

    [Fact]
    public async Task AMessageSentRightAfterBind_GoesOut_WhenTheDgramIsDisposedAtOnce()
    {
        using var plain = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var plainAddress = plain.Client.LocalEndPoint!.ToString()!;
        // The send and the dispose race the engine's start: whatever the send queued goes out.
        for (int i = 0; i < 50; i++)
        {
            var dgram = new DatagramSocket { Linger = TimeSpan.FromSeconds(5), SendTimeout = Timeout };
            dgram.Bind("udp://127.0.0.1:*");
            using (var m = new MultipartMessage(plainAddress, $"first words {i}"))
            {
                dgram.SendMultipart(m);
            }
            dgram.Dispose();
            var datagram = await plain.ReceiveAsync().WaitAsync(Timeout);
            Assert.Equal($"first words {i}", Encoding.UTF8.GetString(datagram.Buffer));
        }
    }

    [Fact]
    public async Task ADgram_TalksToAPlainUdpProgram_BothWays_NoFraming()
    {
        await using var dgram = Bound();
        using var plain = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var plainAddress = (IPEndPoint)plain.Client.LocalEndPoint!;

        using (var m = new MultipartMessage($"127.0.0.1:{plainAddress.Port}", "raw bytes"))
        {
            dgram.SendMultipart(m);
        }
        var datagram = await plain.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal("raw bytes", Encoding.UTF8.GetString(datagram.Buffer));

        await plain.SendAsync(Encoding.UTF8.GetBytes("from plain udp"), (IPEndPoint)IPEndPoint.Parse(Address(dgram)));
        using var got = dgram.ReceiveMultipart();
        Assert.Equal(($"127.0.0.1:{plainAddress.Port}", "from plain udp"), (got[0].ToString(), got[1].ToString()));
    }

    [Fact]
    public async Task AMessageOfAnotherShape_OrABadAddress_IsDropped_AndTheNextGoes()
    {
        await using var a = Bound();
        await using var b = Bound();
        using (var bad = new MultipartMessage("not an address", "x"))
        {
            a.SendMultipart(bad);
        }
        using (var three = new MultipartMessage(Address(b), "too", "many"))
        {
            a.SendMultipart(three);
        }
        a.Send("only one frame");
        using (var good = new MultipartMessage(Address(b), "good"))
        {
            a.SendMultipart(good);
        }
        using var got = b.ReceiveMultipart();
        Assert.Equal("good", got[1].ToString());
        Assert.False(b.TryReceiveMultipart(new MultipartMessage()), "something else arrived");
    }

    [Fact]
    public async Task Dgram_BindsUdpOnly()
    {
        await using var dgram = new DatagramSocket();
        Assert.Throws<TransportNotSupportedException>(() => dgram.Bind("tcp://127.0.0.1:*"));
        Assert.Throws<TransportNotSupportedException>(() => dgram.Bind("inproc://dgram"));
        var e = Assert.Throws<TransportNotSupportedException>(() => dgram.Connect("udp://127.0.0.1:5000"));
        Assert.Contains("does not connect", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManyThreads_SendAndReceive_OnOneDgramEach_EveryDatagramOnceAndWhole()
    {
        await using var a = Bound();
        await using var b = Bound();
        const int Threads = 4, Each = 300;

        // udp promises no delivery: a window of datagrams in flight keeps the OS's socket buffer from
        // overflowing, so that every one must arrive and a loss is the library's.
        using var window = new SemaphoreSlim(64);
        var received = new System.Collections.Concurrent.ConcurrentBag<string>();
        var receivers = Enumerable.Range(0, Threads).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < Each; i++)
            {
                // Address and body come as one message: another thread's frames never mix in.
                using var m = b.ReceiveMultipart();
                Assert.Equal(2, m.Count);
                Assert.Equal(Address(a), m[0].ToString());
                received.Add(m[1].ToString());
                window.Release();
            }
        })).ToArray();
        var senders = Enumerable.Range(0, Threads).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < Each; i++)
            {
                Assert.True(await window.WaitAsync(Timeout), "the window opens again as the receivers take datagrams");
                using var m = new MultipartMessage(Address(b), $"{t}:{i}");
                a.SendMultipart(m);
            }
        })).ToArray();
        await Task.WhenAll([.. senders, .. receivers]).WaitAsync(Timeout * 2);

        var expected = Enumerable.Range(0, Threads).SelectMany(t => Enumerable.Range(0, Each).Select(i => $"{t}:{i}"));
        Assert.Equal(expected.Order(), received.Order());
    }
}
