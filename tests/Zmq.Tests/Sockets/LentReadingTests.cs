using System.Buffers.Binary;
using Zmq.Engine;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>
/// A receiver blocked on its socket's only connection waits for bytes in the kernel and reads them
/// itself, when the connection's read loop lends it reading for request-reply traffic
/// (ZmtpConnection.DirectRead.cs, ZmqSocket.Waiting.cs); a sender writes its answer itself. Whoever
/// reads, each message arrives whole, once and in order; a receiver that waits without reading
/// (async), a second peer, a stream, the peer's end and the socket's own disposal all take the
/// reading back. Over inproc nothing is lent, and the same traffic must pass.
/// </summary>
public abstract class LentReadingTests : TransportTestBase
{
    /// <summary>Echoes every request until the socket is disposed.</summary>
    private static Task Echo(ResponseSocket rep) => Threads.Run(() =>
    {
        try
        {
            while (true)
            {
                using var m = rep.ReceiveBuffer();
                var copy = MessageBuffer.Rent(m.Length);
                m.Span.CopyTo(copy.Span);
                rep.Send(ref copy);
            }
        }
        catch (ObjectDisposedException)
        {
        }
    });

    /// <summary>Sizes inline (8 B), pooled (200 B) and large (40 KiB, read by the loop: a receiver
    /// hands reading back for it).</summary>
    private static byte[] Numbered(int i)
    {
        var m = new byte[i % 97 == 0 ? 40 * 1024 : i % 3 == 0 ? 200 : 8];
        BinaryPrimitives.WriteInt32LittleEndian(m, i);
        m[^1] = (byte)i;
        return m;
    }

    private static void AssertIsNumber(int i, ReadOnlySpan<byte> m)
    {
        Assert.Equal(Numbered(i).Length, m.Length);
        Assert.Equal(i, BinaryPrimitives.ReadInt32LittleEndian(m));
        Assert.Equal((byte)i, m[^1]);
    }

    private void AssertLent(RequestSocket req)
    {
        var pipe = req.PolledPipe;
        if (!Streams)
        {
            Assert.True(pipe?.Connection is null, "an inproc pipe has no connection to lend reading");
            return;
        }
        Assert.NotNull(pipe);
        Assert.Equal(1, Volatile.Read(ref pipe.ReceiverPolls));
        var connection = Assert.IsType<ZmtpConnection>(pipe.Connection);
        Assert.True(connection.HandOvers > 0, "the read loop never lent reading to the blocked receiver");
    }

    [Fact]
    public async Task BlockingRoundTrips_ReadByTheWaitingReceiver_ArriveWholeAndOnce_InEveryReceiveForm()
    {
        await using var rep = BoundRep();
        await using var req = NewReq();
        req.Connect(rep.LastEndpoint!);
        var echo = Echo(rep);

        var buffer = new byte[64 * 1024];
        for (int i = 0; i < 3000; i++)
        {
            req.Send(Numbered(i));
            switch (i % 3)
            {
                case 0:
                    AssertIsNumber(i, buffer.AsSpan(0, req.Receive(buffer).Length));
                    break;
                case 1:
                    AssertIsNumber(i, req.Receive().Span);
                    break;
                default:
                    using (var m = req.ReceiveBuffer())
                    {
                        AssertIsNumber(i, m.Span);
                    }
                    break;
            }
        }
        AssertLent(req);
        await rep.DisposeAsync();
        await echo;
    }

    [Fact]
    public async Task AnAsyncReceive_AfterBlockingOnes_TakesReadingBack_AndGetsItsReply()
    {
        await using var rep = BoundRep();
        await using var req = NewReq();
        req.Connect(rep.LastEndpoint!);
        for (int i = 0; i < 20; i++)
        {
            req.Send($"sync {i}");
            Assert.Equal($"sync {i}", rep.ReceiveString());
            rep.Send($"reply {i}");
            Assert.Equal($"reply {i}", req.ReceiveString());
        }
        AssertLent(req);

        req.Send("async");
        var reply = req.ReceiveAsync().AsTask();
        // The async receive sleeps without reading: the read loop must read for it.
        Assert.Equal(0, Volatile.Read(ref req.PolledPipe!.ReceiverPolls));
        Assert.Equal("async", rep.ReceiveString());
        rep.Send("async reply");
        Assert.Equal("async reply", (await reply.WaitAsync(Timeout)).ToString());
    }

    [Fact]
    public async Task ASecondPeer_EndsTheLending_AndARepServesBoth()
    {
        await using var rep = BoundRep();
        rep.ReceiveTimeout = System.Threading.Timeout.InfiniteTimeSpan;
        await using var first = NewReq();
        first.Connect(rep.LastEndpoint!);
        var echo = Echo(rep);
        for (int i = 0; i < 20; i++)
        {
            first.Send($"first {i}");
            Assert.Equal($"first {i}", first.ReceiveString());
        }
        var firstPipe = rep.PolledPipe;
        Assert.NotNull(firstPipe);

        // The REP waits for the next request, reading the first peer's socket if it was lent.
        await using var second = NewReq();
        second.Connect(rep.LastEndpoint!);
        second.Send("second");
        Assert.Equal("second", second.ReceiveString());
        Assert.Null(rep.PolledPipe);
        Assert.Equal(0, Volatile.Read(ref firstPipe.ReceiverPolls));
        first.Send("first again");
        Assert.Equal("first again", first.ReceiveString());
        await rep.DisposeAsync();
        await echo;
    }

    /// <summary>One round trip (so that reading is lent), then a request the REP takes but does not
    /// answer; returns the REQ's receive, once it waits.</summary>
    private static async Task<Task<string>> WaitingForAnUnansweredRequest(ResponseSocket rep, RequestSocket req)
    {
        req.Connect(rep.LastEndpoint!);
        req.Send("one");
        Assert.Equal("one", rep.ReceiveString());
        rep.Send("reply");
        Assert.Equal("reply", req.ReceiveString());

        req.Send("unanswered");
        Assert.Equal("unanswered", rep.ReceiveString());
        var (_, receive) = Threads.Start(() => req.ReceiveString());
        // Registered at the gate: from here it waits, in the kernel (lent) or on the gate.
        await Wait.UntilAsync(() => req.HasWaitingReceivers, "the receive waits");
        return receive;
    }

    [Fact]
    public async Task DisposingTheSocket_EndsAReceiveThatWaitsForBytes()
    {
        await using var rep = BoundRep();
        var req = NewReq();
        req.ReceiveTimeout = System.Threading.Timeout.InfiniteTimeSpan;
        var receive = await WaitingForAnUnansweredRequest(rep, req);
        await req.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receive.WaitAsync(Timeout));
    }

    [Fact]
    public async Task ThePeersEnd_IsSeen_WhileTheReceiverWaitsForBytes()
    {
        var rep = BoundRep();
        await using var req = NewReq();
        req.ReceiveTimeout = System.Threading.Timeout.InfiniteTimeSpan;
        var events = req.Monitor();
        var receive = await WaitingForAnUnansweredRequest(rep, req);
        await rep.DisposeAsync();
        if (Streams)
        {
            await events.NextAsync(SocketEventType.Disconnected, Timeout);
        }
        Assert.False(receive.IsCompleted, "a receive with no reply to take returned");
        await req.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receive.WaitAsync(Timeout));
    }

    [Fact]
    public async Task AReplyThatComesAfterTheReceiverStalled_StillArrives()
    {
        await using var rep = BoundRep();
        await using var req = NewReq();
        req.Connect(rep.LastEndpoint!);
        for (int round = 0; round < 5; round++)
        {
            req.Send($"request {round}");
            Assert.Equal($"request {round}", rep.ReceiveString());
            // Long enough for the loop to take reading back from the waiting receiver (1 ms ticks).
            var replying = Task.Delay(20).ContinueWith(_ => rep.Send($"late {round}"), TaskScheduler.Default);
            Assert.Equal($"late {round}", req.ReceiveString());
            await replying;
        }
    }

    [Fact]
    public async Task RoundTrips_ThenAStream_ThenRoundTrips_ArriveWholeOnceAndInOrder()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hello");
        uint id = server.Receive().RoutingId;
        var buffer = new byte[256];

        for (int i = 0; i < 500; i++)
        {
            client.Send($"request {i}");
            var r = server.Receive(buffer);
            Assert.Equal($"request {i}", System.Text.Encoding.UTF8.GetString(buffer, 0, r.Length));
            server.Send(id, $"reply {i}");
            Assert.Equal($"reply {i}", client.ReceiveString());
        }
        if (Streams)
        {
            var connection = Assert.IsType<ZmtpConnection>(client.PolledPipe?.Connection);
            Assert.True(connection.HandOvers > 0, "the client's read loop never lent reading");
        }

        // A stream the other way: read by the loop again once it streams.
        const int count = 20_000;
        var sending = Task.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                server.Send(id, BitConverter.GetBytes(i));
            }
        });
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(client.Receive().Span));
        }
        await sending;

        for (int i = 0; i < 100; i++)
        {
            client.Send($"again {i}");
            Assert.Equal($"again {i}", server.ReceiveString());
            server.Send(id, $"answer {i}");
            Assert.Equal($"answer {i}", client.ReceiveString());
        }
    }

    [Fact]
    public async Task PipelinedRequests_EchoedAsTheyCome_ComeBackOnceAndInOrder()
    {
        await using var router = new RouterSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        router.Bind(AnyEndpoint);
        await using var dealer = new DealerSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
        dealer.Connect(router.LastEndpoint!);
        const int count = 5000;
        var echo = Threads.Run(() =>
        {
            using var m = new MultipartMessage();
            for (int i = 0; i < count; i++)
            {
                router.ReceiveMultipart(m);
                router.SendMultipart(m);
            }
        });
        // Requests go out in bursts, so that some answers find requests waiting and some do not.
        int received = 0;
        for (int sent = 0; sent < count;)
        {
            int burst = Math.Min(1 + (sent % 7) * 10, count - sent);
            for (int j = 0; j < burst; j++, sent++)
            {
                dealer.Send(BitConverter.GetBytes(sent));
            }
            for (; received < sent; received++)
            {
                Assert.Equal(received, BitConverter.ToInt32(dealer.Receive().Span));
            }
        }
        await echo;
    }

    [Fact]
    public async Task APull_ThatCatchesUpWithAStream_ReadsForItself_AndGetsEveryMessageOnceInOrder()
    {
        await using var pull = new PullSocket { ReceiveTimeout = Timeout, ReceiveHighWatermark = 100 };
        pull.Bind(AnyEndpoint);
        await using var push = new PushSocket { SendTimeout = Timeout, SendHighWatermark = 100, Linger = TimeSpan.FromSeconds(5) };
        push.Connect(pull.LastEndpoint!);
        const int count = 20_000;
        // Bursts bigger than the high-water marks fill the PULL's queue (reading is handed over);
        // the pauses between them let it catch up and find the socket dry.
        var sender = Threads.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                push.Send(Numbered(i));
                if (i % 1000 == 999)
                {
                    Thread.Yield();
                }
            }
        });
        var buffer = new byte[64 * 1024];
        for (int i = 0; i < count; i++)
        {
            AssertIsNumber(i, buffer.AsSpan(0, pull.Receive(buffer).Length));
        }
        await sender.WaitAsync(Timeout);
        var pipe = pull.PolledPipe;
        Assert.NotNull(pipe);
        if (Streams)
        {
            Assert.Equal(1, Volatile.Read(ref pipe.ReceiverPolls));
            Assert.True(Assert.IsType<ZmtpConnection>(pipe.Connection).HandOvers > 0, "the PULL never read for itself");
        }
        Assert.False(pull.TryReceive(buffer, out _), "a message arrived beyond those sent");
    }
}

public sealed class LentReadingOverTcp : LentReadingTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class LentReadingOverIpc : LentReadingTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class LentReadingOverInproc : LentReadingTests
{
    protected override string AnyEndpoint => $"inproc://lent-reading-{Guid.NewGuid():N}";
}
