using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>The poller (libzmq test_poller) over every transport: readable and writable, sync and
/// async, level-triggered, fair, changed from another thread while it waits, and ten thousand idle
/// sockets.</summary>
public abstract class PollerTests : TransportTestBase
{
    private T Bound<T>(T socket)
        where T : ZmqSocket
    {
        socket.Linger = TimeSpan.Zero;
        socket.ReceiveTimeout = Timeout;
        socket.SendTimeout = Timeout;
        socket.Bind(AnyEndpoint);
        return socket;
    }

    private static T Connected<T>(T socket, ZmqSocket to)
        where T : ZmqSocket
    {
        socket.Linger = TimeSpan.Zero;
        socket.ReceiveTimeout = Timeout;
        socket.SendTimeout = Timeout;
        socket.Connect(to.LastEndpoint!);
        return socket;
    }

    [Fact]
    public async Task Wait_ReportsTheSocketWithAMessage_AndOnlyIt_WhileItHasOne()
    {
        await using var quiet = Bound(new PullSocket());
        await using var busy = Bound(new ServerSocket());
        await using var client = Connected(new ClientSocket(), busy);
        using var poller = new ZmqPoller();
        poller.Add(quiet, PollEvents.Readable);
        poller.Add(busy, PollEvents.Readable);
        var ready = new PollResult[4];

        Assert.Equal(0, poller.Wait(ready, TimeSpan.FromMilliseconds(50)));
        client.Send("hello");
        Assert.Equal(1, poller.Wait(ready, Timeout));
        Assert.Equal(new PollResult(busy, PollEvents.Readable), ready[0]);
        // Level-triggered: still there until read.
        Assert.Equal(1, poller.Wait(ready, TimeSpan.Zero));
        Assert.Equal("hello", busy.ReceiveString());
        Assert.Equal(0, poller.Wait(ready, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task WaitAsync_ReturnsWhenAMessageArrives_AndCancels()
    {
        await using var pull = Bound(new PullSocket());
        await using var push = Connected(new PushSocket(), pull);
        using var poller = new ZmqPoller();
        poller.Add(pull, PollEvents.Readable);
        var ready = new PollResult[1];

        var waiting = poller.WaitAsync(ready).AsTask();
        Assert.False(waiting.IsCompleted);
        push.Send("wake");
        Assert.Equal(1, await waiting.WaitAsync(Timeout));
        Assert.Same(pull, ready[0].Socket);
        Assert.Equal("wake", pull.ReceiveString());

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await poller.WaitAsync(ready, cancel.Token));
    }

    [Fact]
    public async Task Writable_GoesAtTheHighWaterMark_AndComesBackWhenThePeerReads()
    {
        await using var pull = new PullSocket { ReceiveHighWatermark = 2, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        pull.Bind(AnyEndpoint);
        await using var push = new PushSocket { SendHighWatermark = 2, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        push.Connect(pull.LastEndpoint!);
        using var poller = new ZmqPoller();
        poller.Add(push, PollEvents.Writable);
        var ready = new PollResult[1];

        Assert.Equal(1, poller.Wait(ready, Timeout));
        Assert.Equal(PollEvents.Writable, ready[0].Events);
        // Large messages, so that the kernel's buffers between the two fill soon too.
        var payload = new byte[64 * 1024];
        int sent = 0;
        await Wait.UntilAsync(() =>
        {
            while (push.TrySend(payload))
            {
                sent++;
            }
            return poller.Wait(ready, TimeSpan.FromMilliseconds(50)) == 0;
        }, "the PUSH fills its queue, the PULL's and the kernel's, and stays unwritable");

        var waiting = Task.Run(() => poller.Wait(ready, Timeout));
        for (int i = 0; i < sent; i++)
        {
            pull.Receive();
        }
        Assert.Equal(1, await waiting.WaitAsync(Timeout));
        Assert.Same(push, ready[0].Socket);
    }

    [Fact]
    public async Task ASocketAddedFromAnotherThread_EndsAWaitInProgress_AndARemovedOneIsNotReported()
    {
        await using var pull = Bound(new PullSocket());
        await using var push = Connected(new PushSocket(), pull);
        push.Send("waiting already");
        await Wait.UntilAsync(() => pull.CanReceive, "the message arrives");
        using var poller = new ZmqPoller();
        var ready = new PollResult[1];

        var waiting = Task.Run(() => poller.Wait(ready, Timeout));
        await Task.Delay(20);
        poller.Add(pull, PollEvents.Readable);
        Assert.Equal(1, await waiting.WaitAsync(Timeout));
        Assert.Same(pull, ready[0].Socket);

        Assert.True(poller.Remove(pull));
        Assert.False(poller.Remove(pull));
        Assert.Equal(0, poller.Wait(ready, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public async Task ASocketRemovedFromAnotherThread_WhileAWaitIsInProgress_IsNotReported()
    {
        await using var a = Bound(new PullSocket());
        await using var b = Bound(new PullSocket());
        await using var toA = Connected(new PushSocket(), a);
        await using var toB = Connected(new PushSocket(), b);
        using var poller = new ZmqPoller();
        poller.Add(a, PollEvents.Readable);
        poller.Add(b, PollEvents.Readable);
        var ready = new PollResult[2];

        var waiting = Task.Run(() => poller.Wait(ready, Timeout));
        await Task.Delay(20);
        Assert.True(poller.Remove(a));
        toA.Send("to the removed socket");
        await Wait.UntilAsync(() => a.CanReceive, "the removed socket's message arrives");
        toB.Send("to the socket still polled");
        Assert.Equal(1, await waiting.WaitAsync(Timeout));
        Assert.Same(b, ready[0].Socket);
    }

    [Fact]
    public async Task TwoBusySockets_AndRoomForOneResult_TakeTurns()
    {
        await using var a = Bound(new PullSocket());
        await using var b = Bound(new PullSocket());
        await using var toA = Connected(new PushSocket(), a);
        await using var toB = Connected(new PushSocket(), b);
        toA.Send("a");
        toB.Send("b");
        await Wait.UntilAsync(() => a.CanReceive && b.CanReceive, "both have a message");
        using var poller = new ZmqPoller();
        poller.Add(a, PollEvents.Readable);
        poller.Add(b, PollEvents.Readable);
        var ready = new PollResult[1];

        var seen = new List<ZmqSocket>();
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(1, poller.Wait(ready, Timeout));
            seen.Add(ready[0].Socket);
        }
        // Neither is reported twice in a row while the other is ready too.
        Assert.All(seen.Zip(seen.Skip(1)), pair => Assert.NotSame(pair.First, pair.Second));
    }

    [Fact]
    public async Task TenThousandIdleSockets_AndOneWithAMessage_ReportThatOne()
    {
        var idle = Enumerable.Range(0, 10_000).Select(_ => new GatherSocket { Linger = TimeSpan.Zero }).ToList();
        try
        {
            await using var pull = Bound(new PullSocket());
            await using var push = Connected(new PushSocket(), pull);
            using var poller = new ZmqPoller();
            foreach (var s in idle)
            {
                poller.Add(s, PollEvents.Readable);
            }
            poller.Add(pull, PollEvents.Readable);
            Assert.Equal(10_001, poller.Count);
            var ready = new PollResult[16];
            Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));

            push.Send("the one");
            Assert.Equal(1, poller.Wait(ready, Timeout));
            Assert.Same(pull, ready[0].Socket);
        }
        finally
        {
            foreach (var s in idle)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public async Task AHundredSocketsOfMixedTypes_EachReportedWhenItsMessageArrives()
    {
        var pairs = new List<(ZmqSocket Receiver, Action Send)>();
        var owned = new List<ZmqSocket>();
        try
        {
            for (int i = 0; i < 100; i++)
            {
                switch (i % 4)
                {
                    case 0:
                        var pull = Bound(new PullSocket());
                        var push = Connected(new PushSocket(), pull);
                        owned.AddRange([pull, push]);
                        pairs.Add((pull, () => push.Send("m")));
                        break;
                    case 1:
                        var server = Bound(new ServerSocket());
                        var client = Connected(new ClientSocket(), server);
                        owned.AddRange([server, client]);
                        pairs.Add((server, () => client.Send("m")));
                        break;
                    case 2:
                        var gather = Bound(new GatherSocket());
                        var scatter = Connected(new ScatterSocket(), gather);
                        owned.AddRange([gather, scatter]);
                        pairs.Add((gather, () => scatter.Send("m")));
                        break;
                    default:
                        var a = Bound(new PairSocket());
                        var b = Connected(new PairSocket(), a);
                        owned.AddRange([a, b]);
                        pairs.Add((a, () => b.Send("m")));
                        break;
                }
            }
            using var poller = new ZmqPoller();
            foreach (var (receiver, _) in pairs)
            {
                poller.Add(receiver, PollEvents.Readable);
            }
            var ready = new PollResult[8];
            Assert.Equal(0, poller.Wait(ready, TimeSpan.Zero));

            // One at a time, in an order unrelated to the adding: each wakes the poller as itself.
            foreach (int i in Enumerable.Range(0, 100).Select(i => i * 37 % 100))
            {
                pairs[i].Send();
                Assert.Equal(1, poller.Wait(ready, Timeout));
                Assert.Same(pairs[i].Receiver, ready[0].Socket);
                pairs[i].Receiver.Core().TryReceive(out Message _, Timeout);
            }
        }
        finally
        {
            foreach (var s in owned)
            {
                s.Dispose();
            }
        }
    }

    [Fact]
    public async Task ASocketDisposedWhilePolled_IsNotReported_AndTheOthersStillAre()
    {
        var doomed = Bound(new PullSocket());
        await using var pull = Bound(new PullSocket());
        await using var push = Connected(new PushSocket(), pull);
        using var poller = new ZmqPoller();
        poller.Add(doomed, PollEvents.Readable);
        poller.Add(pull, PollEvents.Readable);
        var ready = new PollResult[2];

        var waiting = Task.Run(() => poller.Wait(ready, TimeSpan.FromMilliseconds(200)));
        await doomed.DisposeAsync();
        Assert.Equal(0, await waiting.WaitAsync(Timeout));

        push.Send("still here");
        Assert.Equal(1, poller.Wait(ready, Timeout));
        Assert.Same(pull, ready[0].Socket);
        Assert.True(poller.Remove(doomed));
    }

    [Fact]
    public async Task Add_RefusesWhatTheTypeCannotDo_AndATwiceAddedSocket()
    {
        await using var pub = new PublisherSocket();
        using var poller = new ZmqPoller();
        var e = Assert.Throws<ArgumentException>(() => poller.Add(pub, PollEvents.Readable));
        Assert.Contains("Writable", e.Message, StringComparison.Ordinal);
        poller.Add(pub, PollEvents.Writable);
        Assert.Throws<ArgumentException>(() => poller.Add(pub, PollEvents.Writable));
        Assert.Throws<ArgumentException>(() => poller.Wait([], TimeSpan.Zero));
        poller.Dispose();
        Assert.Throws<ObjectDisposedException>(() => poller.Wait(new PollResult[1], TimeSpan.Zero));
    }
}

public sealed class PollerOverTcp : PollerTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class PollerOverIpc : PollerTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class PollerOverInproc : PollerTests
{
    protected override string AnyEndpoint => $"inproc://poller-{Guid.NewGuid():N}";
}
