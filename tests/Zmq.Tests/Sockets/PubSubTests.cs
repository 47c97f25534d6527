using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>PUB/SUB (RFC 29) over every transport: prefix filtering at both ends, counted
/// subscriptions, whole multipart messages, fan-out, drop at the high-water mark, and
/// subscriptions sent again after a reconnect.</summary>
public abstract class PubSubTests : TransportTestBase
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    protected static PublisherSocket NewPublisher() => new() { Linger = TimeSpan.Zero };

    protected static SubscriberSocket NewSubscriber() => new() { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    [Fact]
    public async Task Subscriber_ReceivesOnlyMessagesStartingWithItsTopics()
    {
        await using var pair = await SubscribedPairAsync("weather.", "news");
        var (pub, sub) = (pair.Pub, pair.Sub);

        foreach (var m in new[] { "sport.1", "weather.rain", "weathe", "news", "newsflash", "other", "weather.sun" })
        {
            pub.Send(m);
        }
        pub.Send("news-end");
        Assert.Equal(["weather.rain", "news", "newsflash", "weather.sun", "news-end"], ReceiveTexts(sub, 5));
        Assert.False(sub.TryReceive(out var extra, Short), $"unexpected {extra}");
    }

    [Fact]
    public async Task EmptyTopic_SubscribesToEverything()
    {
        await using var pair = await SubscribedPairAsync("");
        var (pub, sub) = (pair.Pub, pair.Sub);
        pub.Send([]);
        pub.Send("anything");
        Assert.Equal(0, sub.Receive().Length);
        Assert.Equal("anything", sub.ReceiveString());
    }

    [Fact]
    public async Task Unsubscribe_StopsTheTopicAtOnceAndLeavesTheOthers()
    {
        await using var pair = await SubscribedPairAsync("A", "Z");
        var (pub, sub) = (pair.Pub, pair.Sub);

        sub.Unsubscribe("A");
        // Sent before the publisher may have heard of the cancel: the subscriber filters it out itself.
        pub.Send("A-after");
        pub.Send("Z-end");
        Assert.Equal("Z-end", sub.ReceiveString());
        Assert.False(sub.TryReceive(out var extra, Short), $"unexpected {extra}");
    }

    [Fact]
    public async Task ReceiveIntoASmallBuffer_DropsALargeMessageOnACancelledTopicInsteadOfRefusingIt()
    {
        await using var pair = await SubscribedPairAsync("A", "Z");
        var (pub, sub) = (pair.Pub, pair.Sub);
        pub.Send("A" + new string('x', 999));
        pub.Send("Z-end");
        sub.Unsubscribe("A");

        var buffer = new byte[100];
        var got = sub.Receive(buffer);
        Assert.Equal("Z-end", Encoding.UTF8.GetString(buffer, 0, got.Length));
        Assert.False(got.More);
    }

    [Fact]
    public async Task Subscriptions_AreCounted_TwoSubscribesNeedTwoUnsubscribes()
    {
        await using var pub = BoundPublisher();
        await using var sub = NewSubscriber();
        sub.Connect(pub.LastEndpoint!);
        sub.Subscribe("T");
        sub.Subscribe("T");
        sub.Unsubscribe("T");
        sub.Unsubscribe("never subscribed");
        await SubscribedAsync(pub, sub, "T");
        pub.Send("T1");
        Assert.Equal("T1", sub.ReceiveString());

        sub.Unsubscribe("T");
        pub.Send("T2");
        Assert.False(sub.TryReceive(out var extra, Short), $"unexpected {extra}");
    }

    [Fact]
    public async Task Multipart_ArrivesWhole_AndANonMatchingOneIsDroppedWhole()
    {
        await using var pair = await SubscribedPairAsync("A");
        var (pub, sub) = (pair.Pub, pair.Sub);

        pub.Send("B", more: true);
        pub.Send("A-but-not-first", more: false);
        pub.Send("A", more: true);
        pub.Send(new byte[1000], more: true);
        pub.Send("last");
        var frames = sub.ReceiveMultipart();
        Assert.Equal(3, frames.Count);
        Assert.Equal("A", frames[0].ToString());
        Assert.Equal(1000, frames[1].Length);
        Assert.Equal("last", frames[2].ToString());
        Assert.Equal([true, true, false], frames.Select(f => f.More));
        Assert.False(sub.TryReceive(out var extra, Short), $"unexpected {extra}");
    }

    [Fact]
    public async Task SlowSubscriberWithASmallHwm_GetsEveryMultipartMessageWholeAndInOrder()
    {
        const int count = 5_000;
        // No send limit at the publisher, so nothing is dropped: the subscriber's small queue is full
        // most of the time instead, and its reading passes between the read loop and the receiver.
        await using var pair = await SubscribedPairAsync((pub, sub) => { pub.SendHighWatermark = 0; sub.ReceiveHighWatermark = 3; }, "");
        var (pub, sub) = (pair.Pub, pair.Sub);

        var publishing = Task.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                pub.Send($"m{i}", more: true);
                pub.Send(new byte[i % 100], more: true);
                pub.Send("end");
            }
        });
        for (int i = 0; i < count; i++)
        {
            var frames = sub.ReceiveMultipart();
            Assert.Equal(3, frames.Count);
            Assert.Equal($"m{i}", frames[0].ToString());
            Assert.Equal("end", frames[2].ToString());
            Assert.Equal(i % 100, frames[1].Length);
        }
        await publishing;
        Assert.False(sub.TryReceive(out var extra, Short), $"unexpected {extra}");
    }

    [Fact]
    public async Task EveryMatchingSubscriber_GetsEachMessage()
    {
        await using var pub = BoundPublisher();
        var subs = Enumerable.Range(0, 3).Select(_ => NewSubscriber()).ToList();
        try
        {
            foreach (var (sub, i) in subs.Select((s, i) => (s, i)))
            {
                sub.Connect(pub.LastEndpoint!);
                sub.Subscribe(i == 2 ? "odd" : "even");
                await SubscribedAsync(pub, sub, i == 2 ? "odd" : "even");
            }
            // Probes for a later subscriber also reached the earlier ones on the same topic.
            foreach (var sub in subs)
            {
                DrainProbes(sub);
            }
            for (int n = 0; n < 100; n++)
            {
                pub.Send((n % 2 == 0 ? "even" : "odd") + n);
            }
            pub.Send("even-end");
            pub.Send("odd-end");
            for (int i = 0; i < 3; i++)
            {
                string parity = i == 2 ? "odd" : "even";
                var expected = Enumerable.Range(0, 100).Where(n => (n % 2 == 1) == (i == 2)).Select(n => parity + n).Append(parity + "-end");
                Assert.Equal(expected, ReceiveTexts(subs[i], 51));
            }
        }
        finally
        {
            foreach (var s in subs)
            {
                await s.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task AtTheHighWaterMark_ThePublisherDropsAndNeverWaits()
    {
        await using var pub = NewPublisher();
        pub.SendHighWatermark = 10;
        pub.Bind(AnyEndpoint);
        await using var sub = NewSubscriber();
        sub.ReceiveHighWatermark = 10;
        sub.Connect(pub.LastEndpoint!);
        sub.Subscribe("");
        await SubscribedAsync(pub, sub, "");

        // The subscriber does not read: every send must still return. Messages this large fill
        // the kernel's socket buffers after a few dozen, so most of them must be dropped.
        const int Count = 2000;
        var payload = new byte[64 * 1024];
        var sending = Task.Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                BitConverter.TryWriteBytes(payload, i);
                pub.Send(payload);
            }
        });
        await sending.WaitAsync(Timeout);
        var got = new List<int>();
        while (sub.TryReceive(out var m, Short))
        {
            got.Add(BitConverter.ToInt32(m.Span));
        }
        Assert.InRange(got.Count, 1, Count / 2);
        Assert.Equal(got.Order(), got); // what does arrive keeps its order
    }

    [Fact]
    public async Task Subscriber_ConnectedToSeveralPublishers_FairQueuesThem()
    {
        await using var pub1 = BoundPublisher();
        await using var pub2 = BoundPublisher();
        await using var sub = NewSubscriber();
        sub.Subscribe("");
        sub.Connect(pub1.LastEndpoint!);
        sub.Connect(pub2.LastEndpoint!);
        await SubscribedAsync(pub1, sub, "");
        await SubscribedAsync(pub2, sub, "");
        for (int i = 0; i < 50; i++)
        {
            pub1.Send("one");
            pub2.Send("two");
        }
        var texts = ReceiveTexts(sub, 100);
        Assert.Equal(50, texts.Count(t => t == "one"));
        Assert.Equal(50, texts.Count(t => t == "two"));
    }

    [Fact]
    public void WrongUse_ThrowsWithAClearMessage()
    {
        var sub = NewSubscriber();
        sub.Dispose();
        Assert.Throws<ObjectDisposedException>(() => sub.Subscribe("x"));
        var pub = NewPublisher();
        pub.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pub.Send("x"));
        Assert.Throws<ArgumentNullException>(() => new SubscriberSocket().Subscribe((string)null!));
    }

    /// <summary>A bound publisher and a connected subscriber whose subscriptions to
    /// <paramref name="topics"/> have all reached the publisher.</summary>
    private Task<PubSubPair> SubscribedPairAsync(params string[] topics) => SubscribedPairAsync(null, topics);

    private async Task<PubSubPair> SubscribedPairAsync(Action<PublisherSocket, SubscriberSocket>? configure, params string[] topics)
    {
        var pair = new PubSubPair(NewPublisher(), NewSubscriber());
        configure?.Invoke(pair.Pub, pair.Sub);
        pair.Pub.Bind(AnyEndpoint);
        pair.Sub.Connect(pair.Pub.LastEndpoint!);
        foreach (string topic in topics)
        {
            pair.Sub.Subscribe(topic);
        }
        foreach (string topic in topics)
        {
            await SubscribedAsync(pair.Pub, pair.Sub, topic);
        }
        return pair;
    }

    protected sealed record PubSubPair(PublisherSocket Pub, SubscriberSocket Sub) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Sub.DisposeAsync();
            await Pub.DisposeAsync();
        }
    }

    private PublisherSocket BoundPublisher()
    {
        var pub = NewPublisher();
        pub.Bind(AnyEndpoint);
        return pub;
    }

    /// <summary>Publishes probes on <paramref name="topic"/> until one arrives (the subscription has
    /// reached the publisher), then drains the probes that followed it.</summary>
    internal static async Task SubscribedAsync(PublisherSocket pub, SubscriberSocket sub, string topic)
    {
        string probe = topic + "\u0001probe";
        await Support.Wait.UntilAsync(() =>
        {
            pub.Send(probe);
            return sub.TryReceive(out var m, TimeSpan.FromMilliseconds(20)) && m.ToString() == probe;
        }, $"the subscription to '{topic}' reaches the publisher");
        DrainProbes(sub);
    }

    private static void DrainProbes(SubscriberSocket sub)
    {
        while (sub.TryReceive(out var m, TimeSpan.FromMilliseconds(50)))
        {
            Assert.EndsWith("\u0001probe", m.ToString(), StringComparison.Ordinal);
        }
    }

    private static List<string> ReceiveTexts(SubscriberSocket sub, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => sub.ReceiveString())];
}

/// <summary>The PUB/SUB rules that need a re-dialling connection (tcp and ipc; inproc connects once,
/// as in libzmq, and a publisher that goes away there is gone for good).</summary>
public abstract class ReconnectingPubSubTests : PubSubTests
{
    [Fact]
    public async Task Subscriptions_AreSentAgainAfterAReconnect()
    {
        string endpoint = FreshEndpoint();
        var pub = NewPublisher();
        pub.Bind(endpoint);
        await using var sub = NewSubscriber();
        var events = sub.Monitor();
        sub.Connect(endpoint);
        sub.Subscribe("kept");
        await SubscribedAsync(pub, sub, "kept");
        await pub.DisposeAsync();
        await events.NextAsync(SocketEventType.Disconnected);

        await using var again = NewPublisher();
        again.Bind(endpoint);
        await SubscribedAsync(again, sub, "kept");
        again.Send("dropped: not subscribed");
        again.Send("kept-end");
        Assert.Equal("kept-end", sub.ReceiveString());
    }

}

public sealed class PubSubOverTcp : ReconnectingPubSubTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class PubSubOverIpc : ReconnectingPubSubTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class PubSubOverInproc : PubSubTests
{
    protected override string AnyEndpoint => $"inproc://pub-sub-{Guid.NewGuid():N}";

    [Fact]
    public async Task Subscriber_ConnectedAndSubscribedBeforeThePublisherBinds_GetsItsTopics()
    {
        string endpoint = AnyEndpoint;
        await using var sub = NewSubscriber();
        sub.Connect(endpoint);
        sub.Subscribe("early");
        await using var pub = NewPublisher();
        pub.Bind(endpoint);
        // inproc links at once, subscriptions included: the first message already matches.
        pub.Send("other");
        pub.Send("early-1");
        Assert.Equal("early-1", sub.ReceiveString());
    }
}
