namespace Zmq.Tests.Sockets;

/// <summary>Conflate (libzmq ZMQ_CONFLATE, test_conflate) over every transport: a receiver that
/// falls behind gets the newest message of each peer, never a backlog, and its peers are never held
/// back by its full queue.</summary>
public abstract class ConflateTests : TransportTestBase
{
    private const int Count = 5_000;

    /// <summary>Makes the messages together larger than the kernel's socket buffers.</summary>
    private static readonly string Padding = new('.', 1000);

    /// <summary>Receives until <paramref name="last"/>; returns the numbers seen, in order.</summary>
    private static List<int> ReceiveUntil(IReceivingSocket socket, string prefix, int last)
    {
        var seen = new List<int>();
        while (seen.Count == 0 || seen[^1] != last)
        {
            string text = socket.ReceiveString();
            Assert.StartsWith(prefix, text);
            string number = text[prefix.Length..].Split(' ')[0];
            seen.Add(int.Parse(number, System.Globalization.CultureInfo.InvariantCulture));
        }
        return seen;
    }

    [Fact]
    public async Task ConflatingPull_KeepsOnlyTheNewest_AndItsPushNeverWaits()
    {
        await using var pull = new PullSocket { Conflate = true, ReceiveHighWatermark = 10, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        pull.Bind(AnyEndpoint);
        await using var push = new PushSocket { SendHighWatermark = 10, Linger = TimeSpan.Zero };
        push.Connect(pull.LastEndpoint!);

        // Far past both high-water marks and the kernel's buffers while nothing is received: a
        // PULL that kept a backlog would hold the PUSH back until its send timed out.
        push.SendTimeout = Timeout;
        for (int i = 0; i < Count; i++)
        {
            push.Send($"m{i} {Padding}");
        }

        // What is still on its way (the kernel's buffers hold hundreds of these) is conflated as it
        // arrives, so a few messages come; all of them in order would be the backlog.
        var seen = ReceiveUntil(pull, "m", Count - 1);
        Assert.True(seen.Count < Count / 2, $"{seen.Count} of {Count} messages received: a conflating socket delivers no backlog");
        Assert.Equal(seen.Order(), seen);
    }

    [Fact]
    public async Task ConflatingSub_GetsThePublishersNewestValue_NotTheBacklog()
    {
        // The publisher's own queue unbounded: it must not drop the newest value itself.
        await using var pub = new PublisherSocket { SendHighWatermark = 0, Linger = TimeSpan.Zero };
        pub.Bind(AnyEndpoint);
        await using var sub = new SubscriberSocket { Conflate = true, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Subscribe("price ");
        sub.Connect(pub.LastEndpoint!);
        await Support.Wait.UntilAsync(() =>
        {
            pub.Send("price -1");
            return sub.TryReceive(out _, TimeSpan.FromMilliseconds(20));
        }, "the subscription to reach the publisher");

        for (int i = 0; i < Count; i++)
        {
            pub.Send($"price {i} {Padding}");
        }
        var seen = ReceiveUntil(sub, "price ", Count - 1);
        Assert.True(seen.Count < Count / 2, $"{seen.Count} of {Count} messages received: a conflating socket delivers no backlog");
    }

    [Fact]
    public void Conflate_IsRefusedWhereThereIsNothingToConflate()
    {
        using var push = new PushSocket();
        var e = Assert.Throws<NotSupportedException>(() => push.Conflate = true);
        Assert.Contains("PULL, SUB or DEALER", e.Message);
        using var dealer = new DealerSocket { Conflate = true };
        Assert.True(dealer.Conflate);
    }
}

public sealed class ConflateOverTcp : ConflateTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class ConflateOverIpc : ConflateTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class ConflateOverInproc : ConflateTests
{
    protected override string AnyEndpoint => $"inproc://conflate-{Guid.NewGuid():N}";
}
