using System.Globalization;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>DEALER (RFC 28, libzmq test_spec_dealer) over every transport: round-robin out,
/// fair-queued in, blocking when no peer can take a message, multipart both ways with no envelope
/// added or removed.</summary>
public abstract class DealerTests : TransportTestBase
{
    protected static DealerSocket NewDealer() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    private DealerSocket BoundDealer()
    {
        var d = NewDealer();
        d.Bind(AnyEndpoint);
        return d;
    }

    [Fact]
    public async Task Dealer_SendsRoundRobinToItsPeers()
    {
        await using var d1 = BoundDealer();
        await using var d2 = BoundDealer();
        await using var dealer = NewDealer();
        dealer.Connect(d1.LastEndpoint!);
        dealer.Connect(d2.LastEndpoint!);

        for (int i = 0; i < 6; i++)
        {
            dealer.Send(i.ToString(CultureInfo.InvariantCulture));
        }

        Assert.Equal(["0", "2", "4"], Enumerable.Range(0, 3).Select(_ => d1.ReceiveString()));
        Assert.Equal(["1", "3", "5"], Enumerable.Range(0, 3).Select(_ => d2.ReceiveString()));
    }

    [Fact]
    public void HighWaterMark_CountsMessages_NotFrames()
    {
        // Nothing listens: what is sent stays queued on the DEALER's side, up to its high-water mark.
        string endpoint = FreshEndpoint();
        int Queued(int frames)
        {
            using var dealer = NewDealer();
            dealer.SendHighWatermark = 4;
            dealer.Connect(endpoint);
            using var message = new MultipartMessage();
            for (int i = 0; i < frames; i++)
            {
                message.Add($"frame {i}");
            }
            int sent = 0;
            while (sent < 100 && dealer.TrySendMultipart(message))
            {
                sent++;
            }
            return sent;
        }

        int single = Queued(1);
        Assert.InRange(single, 4, 99);
        Assert.Equal(single, Queued(3));
    }

    [Fact]
    public async Task Dealer_FairQueuesWhatItsPeersSend()
    {
        await using var d1 = BoundDealer();
        await using var d2 = BoundDealer();
        await using var dealer = NewDealer();
        dealer.Connect(d1.LastEndpoint!);
        dealer.Connect(d2.LastEndpoint!);
        // The bound side has a pipe only once the connection is up: a message each way first.
        dealer.Send("hello 1");
        dealer.Send("hello 2");
        Assert.Equal("hello 1", d1.ReceiveString());
        Assert.Equal("hello 2", d2.ReceiveString());

        for (int i = 0; i < 20; i++)
        {
            d1.Send($"one {i}");
            d2.Send($"two {i}");
        }

        var got = Enumerable.Range(0, 40).Select(_ => dealer.ReceiveString()).ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"one {i}"), got.Where(m => m.StartsWith("one", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"two {i}"), got.Where(m => m.StartsWith("two", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Dealer_WithNoPeer_BlocksOnSend()
    {
        await using var dealer = new DealerSocket { SendTimeout = TimeSpan.FromMilliseconds(50), Linger = TimeSpan.Zero };
        dealer.Bind(AnyEndpoint);

        Assert.False(dealer.TrySend("nobody"u8));
        Assert.Throws<TimeoutException>(() => dealer.Send("nobody"u8));
    }

    [Fact]
    public async Task MultipartMessages_CrossWhole_BothWays_WithNoEnvelopeAdded()
    {
        await using var bound = BoundDealer();
        await using var dealer = NewDealer();
        dealer.Connect(bound.LastEndpoint!);

        using (var request = new MultipartMessage("", "request", "body"))
        {
            dealer.SendMultipart(request);
        }
        using (var got = bound.ReceiveMultipart())
        {
            Assert.Equal(["", "request", "body"], got.Select(f => f.ToString()));
            bound.SendMultipart(got);
        }
        using var back = dealer.ReceiveMultipart();
        Assert.Equal(["", "request", "body"], back.Select(f => f.ToString()));
    }

    [Fact]
    public async Task AWholeMessageSend_InsideAFrameByFrameMessage_IsRefused()
    {
        await using var bound = BoundDealer();
        await using var dealer = NewDealer();
        dealer.Connect(bound.LastEndpoint!);

        dealer.Send("first", more: true);
        using var whole = new MultipartMessage("x");
        Assert.Throws<InvalidOperationException>(() => dealer.SendMultipart(whole));
        dealer.Send("last", more: false);

        using var got = bound.ReceiveMultipart();
        Assert.Equal(["first", "last"], got.Select(f => f.ToString()));
    }
}

public sealed class DealerOverTcp : DealerTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class DealerOverIpc : DealerTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class DealerOverInproc : DealerTests
{
    protected override string AnyEndpoint => $"inproc://dealer-{Guid.NewGuid():N}";
}
