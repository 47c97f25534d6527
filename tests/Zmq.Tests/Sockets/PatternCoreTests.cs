using System.Text;
using Zmq.Sockets.Core;

namespace Zmq.Tests.Sockets;

/// <summary>The socket core's promises, per transport: readiness against each type's rules (libzmq
/// xhas_in / xhas_out), waits that wake every waiter, every API form on every type it fits, and
/// whole-message calls safe from many threads at once.</summary>
public abstract class PatternCoreTests : TransportTestBase
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(100);

    /// <summary>For a call that must throw before it returns a task.</summary>
    private static void Started(ValueTask<bool> task) => Assert.Fail($"returned {task} instead of throwing");

    private static PublisherSocket NewPub() => new() { SendTimeout = Timeout, Linger = TimeSpan.Zero };

    private static SubscriberSocket NewSub() => new() { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    private Task<(PublisherSocket Pub, SubscriberSocket Sub)> SubscribedAsync(params string[] topics) => SubscribedAsync(null, topics);

    private async Task<(PublisherSocket Pub, SubscriberSocket Sub)> SubscribedAsync(Action<PublisherSocket, SubscriberSocket>? configure, params string[] topics)
    {
        var pub = NewPub();
        var sub = NewSub();
        configure?.Invoke(pub, sub);
        pub.Bind(AnyEndpoint);
        sub.Connect(pub.LastEndpoint!);
        foreach (var t in topics)
        {
            sub.Subscribe(t);
        }
        foreach (var t in topics)
        {
            await PubSubTests.SubscribedAsync(pub, sub, t);
        }
        return (pub, sub);
    }

    [Fact]
    public async Task Client_CanReceive_OnceAReplyIsQueued_AndEveryReadinessWaiterIsWoken()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        var ids = ConnectAndLearnIds(server, ("c", client));
        Assert.False(client.CanReceive);
        var waiters = Enumerable.Range(0, 3).Select(_ => client.WaitToReceiveAsync().AsTask()).ToArray();
        await Task.Delay(Short);
        Assert.All(waiters, w => Assert.False(w.IsCompleted));
        server.Send(ids["c"], "reply");
        Assert.All(await Task.WhenAll(waiters).WaitAsync(Timeout), Assert.True);
        Assert.True(client.CanReceive);
        Assert.Equal("reply", client.ReceiveString());
        Assert.False(client.CanReceive);
    }

    [Fact]
    public async Task Client_CanSend_OnlyWhileAPeerQueueHasRoom_AndWaitToSendCompletesWhenRoomAppears()
    {
        await using var client = NewClient();
        client.SendHighWatermark = 1;
        Assert.False(client.CanSend);
        string endpoint = FreshEndpoint();
        client.Connect(endpoint);
        Assert.True(client.CanSend);
        // inproc adds the receiver's HWM to the queue: fill whatever the queue holds.
        while (client.TrySend("fill"u8))
        {
        }
        Assert.False(client.CanSend);
        var writable = client.WaitToSendAsync().AsTask();
        await Task.Delay(Short);
        Assert.False(writable.IsCompleted);
        await using var server = NewServer();
        server.Bind(endpoint);
        server.Receive();
        Assert.True(await writable.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Server_CanSend_Always_ForItPicksThePeerPerMessage()
    {
        await using var server = BoundServer();
        Assert.True(server.CanSend);
        Assert.False(server.CanReceive);
        await using var client = NewClient();
        ConnectAndLearnIds(server, ("c", client));
        client.Send("x");
        Assert.True(await server.WaitToReceiveAsync().AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Pub_CanAlwaysSend_NeverReceive_AndSubTheOpposite()
    {
        var (pub, sub) = await SubscribedAsync("");
        await using (pub)
        await using (sub)
        {
            Assert.True(pub.CanSend);
            Assert.False(pub.CanReceive);
            Assert.False(sub.CanSend);
            Assert.Throws<NotSupportedException>(() => Started(pub.WaitToReceiveAsync()));
            Assert.Throws<NotSupportedException>(() => Started(sub.WaitToSendAsync()));
        }
    }

    [Fact]
    public async Task Sub_CanReceive_CountsOnlyMessagesItsSubscriptionsAccept()
    {
        var (pub, sub) = await SubscribedAsync("A");
        await using (pub)
        await using (sub)
        {
            sub.Subscribe("B");
            await PubSubTests.SubscribedAsync(pub, sub, "B");
            sub.Unsubscribe("B");
            pub.Send("B-after-unsubscribe");
            await Task.Delay(Short);
            Assert.False(sub.CanReceive);
            pub.Send("A1");
            Assert.True(await sub.WaitToReceiveAsync().AsTask().WaitAsync(Timeout));
            Assert.Equal("A1", sub.ReceiveString());
        }
    }

    [Fact]
    public async Task WaitToReceive_EndsWithFalse_WhenTheSocketIsDisposed()
    {
        var client = NewClient();
        client.Connect(FreshEndpoint());
        var waiting = client.WaitToReceiveAsync().AsTask();
        await client.DisposeAsync();
        Assert.False(await waiting.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Pub_WholeMultipartSendsFromManyThreads_ArriveWholeAndUninterleaved()
    {
        const int threads = 4, each = 500;
        // No limits: nothing is dropped, so every message must arrive, whole and in each sender's order.
        var (pub, sub) = await SubscribedAsync((p, s) => { p.SendHighWatermark = 0; s.ReceiveHighWatermark = 0; }, "");
        await using (pub)
        await using (sub)
        {
            var senders = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
            {
                using var message = new MultipartMessage();
                for (int i = 0; i < each; i++)
                {
                    message.Clear();
                    message.Add($"t{t}");
                    message.Add(new byte[100]);
                    message.Add($"t{t}-{i}");
                    pub.SendMultipart(message);
                }
            })).ToArray();
            using var into = new MultipartMessage();
            var next = new int[threads];
            for (int n = 0; n < threads * each; n++)
            {
                sub.ReceiveMultipart(into);
                Assert.Equal(3, into.Count);
                int t = into[0].ToString()[1] - '0';
                Assert.Equal($"t{t}-{next[t]++}", into[2].ToString());
                Assert.Equal(100, into[1].Length);
            }
            await Task.WhenAll(senders);
            Assert.All(next, c => Assert.Equal(each, c));
        }
    }

    [Fact]
    public async Task WholeMessageReceive_InsideAFrameByFrameMessage_SaysToFinishItFirst_AndLosesNothing()
    {
        var (pub, sub) = await SubscribedAsync("");
        await using (pub)
        await using (sub)
        {
            pub.SendMultipart(new MultipartMessage("a", "b", "c"));
            Assert.True(sub.Receive().More);
            using var into = new MultipartMessage();
            var e = Assert.Throws<InvalidOperationException>(() => sub.ReceiveMultipart(into));
            Assert.Contains("remaining frames", e.Message, StringComparison.Ordinal);
            Assert.Equal("b", sub.ReceiveString());
            Assert.Equal("c", sub.ReceiveString());
            pub.SendMultipart(new MultipartMessage("next", "whole"));
            sub.ReceiveMultipart(into);
            Assert.Equal(["next", "whole"], into.Select(m => m.ToString()));
        }
    }

    [Fact]
    public async Task WholeMessageSend_InsideAFrameByFrameMessage_SaysToFinishItFirst_AndJoinsNothing()
    {
        var (pub, sub) = await SubscribedAsync("");
        await using (pub)
        await using (sub)
        {
            pub.Send("a", more: true);
            var e = Assert.Throws<InvalidOperationException>(() => pub.SendMultipart(new MultipartMessage("x", "y")));
            Assert.Contains("last frame", e.Message, StringComparison.Ordinal);
            pub.Send("b");
            pub.SendMultipart(new MultipartMessage("x", "y"));

            using var into = new MultipartMessage();
            sub.ReceiveMultipart(into);
            Assert.Equal(["a", "b"], into.Select(m => m.ToString()));
            sub.ReceiveMultipart(into);
            Assert.Equal(["x", "y"], into.Select(m => m.ToString()));
        }
    }

    [Fact]
    public async Task PubSub_EveryApiForm_CarriesTheMessage()
    {
        var (pub, sub) = await SubscribedAsync("");
        await using (pub)
        await using (sub)
        {
            var buffer = new byte[256];
            Assert.True(pub.TrySend("try"u8));
            Assert.Equal("try", Encoding.UTF8.GetString(buffer, 0, sub.Receive(buffer).Length));
            await pub.SendAsync("async"u8.ToArray());
            var r = await sub.ReceiveAsync(buffer.AsMemory());
            Assert.Equal("async", Encoding.UTF8.GetString(buffer, 0, r.Length));
            await pub.SendAsync("text");
            Assert.Equal("text", await sub.ReceiveStringAsync());
            var big = MessageBuffer.Rent(1000);
            big.Span.Fill(7);
            pub.Send(ref big);
            Assert.False(big.IsAllocated);
            using (var got = sub.ReceiveBuffer())
            {
                Assert.Equal(1000, got.Length);
                Assert.All(got.Span.ToArray(), b => Assert.Equal(7, b));
            }
            pub.Send("frame", more: true);
            Assert.True(pub.TrySend("last"u8, more: false));
            Assert.True(await sub.WaitToReceiveAsync().AsTask().WaitAsync(Timeout));
            Assert.True(sub.TryReceive(buffer, out var first));
            Assert.True(first.More);
            Assert.True(sub.TryReceiveBuffer(out var last) || (last = await sub.ReceiveBufferAsync()).IsAllocated);
            Assert.Equal("last", Encoding.UTF8.GetString(last.Span));
            last.Dispose();
            await pub.SendMultipartAsync(new MultipartMessage("m1", "m2"));
            await using var e = sub.ReceiveAllAsync().GetAsyncEnumerator();
            Assert.True(await e.MoveNextAsync());
            Assert.Equal("m1", e.Current.ToString());
            Assert.True(e.Current.More);
        }
    }
}

public sealed class PatternCoreOverTcp : PatternCoreTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class PatternCoreOverIpc : PatternCoreTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class PatternCoreOverInproc : PatternCoreTests
{
    protected override string AnyEndpoint => $"inproc://pattern-core-{Guid.NewGuid():N}";
}

/// <summary>The socket-type table, and the API written once: each type has exactly the capability
/// interfaces its traits call for, so every form that fits it.</summary>
public sealed class SocketTypeTableTests
{
    public static TheoryData<ZmqSocket> Sockets() =>
    [
        new ClientSocket(), new ServerSocket(), new PublisherSocket(), new SubscriberSocket(), new RadioSocket(), new DishSocket(),
        new PairSocket(), new PushSocket(), new PullSocket(), new RequestSocket(), new ResponseSocket(), new DealerSocket(), new RouterSocket(),
        new XPublisherSocket(), new XSubscriberSocket(), new StreamSocket(), new ScatterSocket(), new GatherSocket(), new ChannelSocket(), new PeerSocket(), new DatagramSocket(),
    ];

    [Theory]
    [MemberData(nameof(Sockets))]
    public void EachType_HasTheCapabilitiesItsTraitsCallFor(ZmqSocket socket)
    {
        using (socket)
        {
            var traits = SocketTypes.Of(socket.Type);
            Assert.Equal(traits.Name, socket.SocketType);
            Assert.Equal(traits.ThreadSafe, socket.IsThreadSafe);
            Assert.Equal(traits.Sends, socket is ISendingSocket or IRoutingIdSendingSocket or IGroupSendingSocket);
            Assert.Equal(traits.Sends && traits.Grouped, socket is IGroupSendingSocket);
            Assert.Equal(traits.Receives, socket is IReceivingSocket);
            Assert.Equal(traits.Sends && traits.Multipart, socket is IMultipartSendingSocket);
            Assert.Equal(traits.Receives && traits.Multipart, socket is IMultipartReceivingSocket);
        }
    }

    [Fact]
    public void CompatibilityMatrix_IsSymmetric_AndMatchesTheSpec()
    {
        foreach (var a in Enum.GetValues<ZmqSocketType>())
        {
            Assert.True(SocketTypes.TryParse(SocketTypes.Name(a), out var parsed) && parsed == a);
            foreach (var b in Enum.GetValues<ZmqSocketType>())
            {
                Assert.Equal(SocketTypes.Accepts(a, b), SocketTypes.Accepts(b, a));
            }
        }
        Assert.True(SocketTypes.Accepts(ZmqSocketType.Client, "SERVER"));
        Assert.False(SocketTypes.Accepts(ZmqSocketType.Client, "server"));
        Assert.True(SocketTypes.Accepts(ZmqSocketType.Dealer, ZmqSocketType.Router));
        Assert.False(SocketTypes.Accepts(ZmqSocketType.Stream, ZmqSocketType.Stream));
        Assert.Equal("SUB or XSUB", SocketTypes.AcceptedNames(ZmqSocketType.Pub));
    }

    [Fact]
    public void WrongDirection_AndMultipartOnASingleFrameType_ThrowWithWhatToDo()
    {
        using var client = new ClientSocket();
        var e = Assert.Throws<NotSupportedException>(() => client.Send("a"u8, more: true));
        Assert.Contains("join the parts", e.Message, StringComparison.Ordinal);
        using var server = new ServerSocket();
        Assert.Throws<ArgumentOutOfRangeException>(() => server.Send(0, "x"u8));
    }

    [Fact]
    public void MultipartMessage_ReusedForReceiving_AllocatesNothingOnceWarm()
    {
        using var message = new MultipartMessage();
        message.Add(new byte[500]);
        message.Add("x");
        message.Clear();
        var one = new byte[1];
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            message.Clear();
            message.Add(one);
            message.Add("tick");
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(after - before < 1000 * 2, $"{after - before} bytes for 1000 messages");
    }
}
