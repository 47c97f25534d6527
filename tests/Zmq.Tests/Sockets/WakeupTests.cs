using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>
/// The hand-offs between application threads and I/O loops sleep and wake without fences on the
/// per-message path. These drive every sleep/wake edge many thousands of times: a message stranded
/// by a lost wake-up shows as a receive timeout.
/// </summary>
public abstract class WakeupTests : TransportTestBase
{
    [Fact]
    public async Task OneMessageAtATime_EachSendWakesTheSleepingWriterAndReader()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var buffer = new byte[16];
        for (int i = 0; i < 20_000; i++)
        {
            client.Send(BitConverter.GetBytes(i));
            var got = server.Receive(buffer);
            server.Send(got.RoutingId, buffer.AsSpan(0, got.Length));
            Assert.Equal(4, client.Receive(buffer).Length);
            Assert.Equal(i, BitConverter.ToInt32(buffer));
        }
    }

    [Fact]
    public async Task SendersBlockedAtTheHwm_AreAllWokenAsRoomAppears()
    {
        // Four threads share one CLIENT whose queue holds 5: most sends wait, and each sender that
        // gets in passes the wake-up on to the next. One left asleep shows as a send timeout.
        const int perThread = 5_000;
        const int threads = 4;
        await using var server = BoundServer();
        await using var client = NewClient();
        client.SendHighWatermark = 5;
        server.ReceiveHighWatermark = 5;
        client.Connect(server.LastEndpoint!);
        var senders = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                client.Send(BitConverter.GetBytes((t * perThread) + i));
            }
        })).ToArray();
        var seen = new bool[threads * perThread];
        var buffer = new byte[4];
        for (int n = 0; n < seen.Length; n++)
        {
            server.Receive(buffer);
            int i = BitConverter.ToInt32(buffer);
            Assert.False(seen[i], $"message {i} received twice");
            seen[i] = true;
        }
        await Task.WhenAll(senders);
        Assert.All(seen, Assert.True);
    }

    [Fact]
    public async Task StreamingThenRequestReply_SwitchingTheWriteLoopsFencingLosesNothing()
    {
        // Streams make the write loops fence asymmetrically, request-reply switches them back.
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var buffer = new byte[16];
        int next = 0;
        for (int phase = 0; phase < 4; phase++)
        {
            int first = next;
            var sender = Task.Run(() =>
            {
                for (int i = 0; i < 5000; i++)
                {
                    client.Send(BitConverter.GetBytes(first + i));
                }
            });
            for (int i = 0; i < 5000; i++)
            {
                server.Receive(buffer);
                Assert.Equal(next++, BitConverter.ToInt32(buffer));
            }
            await sender;
            for (int i = 0; i < 100; i++)
            {
                client.Send(BitConverter.GetBytes(next));
                var got = server.Receive(buffer);
                Assert.Equal(next++, BitConverter.ToInt32(buffer));
                server.Send(got.RoutingId, buffer.AsSpan(0, got.Length));
                client.Receive(buffer);
            }
        }
    }

    [Fact]
    public async Task StreamsSentWhileTheReceiverSleeps_EachWakesItAndArrivesWhole()
    {
        // Each round the receiver drains a stream (long enough for the inproc consumer to switch
        // its producers to skipping their fence), finds the queue empty and goes to sleep; the next
        // stream's first message, sent without a fence, must still wake it.
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        const int rounds = 100;
        const int stream = 600;
        var receiver = Threads.Run(() =>
        {
            var buffer = new byte[16];
            for (int n = 0; n < rounds * stream; n++)
            {
                uint peer = server.Receive(buffer).RoutingId;
                int got = BitConverter.ToInt32(buffer);
                if (got != n)
                {
                    Assert.Fail($"got {got} where {n} was due");
                }
                if (n % stream == stream - 1)
                {
                    // Tells the sender this stream is in, so the next starts on a sleeping receiver.
                    server.Send(peer, buffer.AsSpan(0, 4));
                }
            }
        });
        var ack = new byte[16];
        for (int r = 0; r < rounds; r++)
        {
            for (int i = 0; i < stream; i++)
            {
                client.Send(BitConverter.GetBytes((r * stream) + i));
            }
            client.Receive(ack);
        }
        await receiver;
    }

    [Fact]
    public async Task TwoWaitingReceiversAndAPoller_ShareAStreamWithNothingLostOrTwice()
    {
        // Blocking receivers wait in the gate while a poller takes messages outside it; once the
        // poller has gone, one last message each must still wake the two waiters (a receive that
        // times out fails the test).
        const int count = 30_000;
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var seen = new int[count];
        int taken = 0;
        var allTaken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Take(int i)
        {
            if (Interlocked.Increment(ref seen[i]) != 1)
            {
                Assert.Fail($"message {i} received twice");
            }
            if (Interlocked.Increment(ref taken) == count)
            {
                allTaken.SetResult();
            }
        }
        var waiters = Enumerable.Range(0, 2).Select(_ => Threads.Run(() =>
        {
            var buffer = new byte[16];
            while (true)
            {
                server.Receive(buffer);
                int i = BitConverter.ToInt32(buffer);
                if (i < 0)
                {
                    return;
                }
                Take(i);
            }
        })).ToArray();
        var poller = Threads.Run(() =>
        {
            var buffer = new byte[16];
            while (!allTaken.Task.IsCompleted)
            {
                if (server.TryReceive(buffer, out var r))
                {
                    Take(BitConverter.ToInt32(buffer.AsSpan(0, r.Length)));
                }
                else
                {
                    Thread.Yield();
                }
            }
        });
        for (int i = 0; i < count; i++)
        {
            client.Send(BitConverter.GetBytes(i));
        }
        Assert.Same(allTaken.Task, await Task.WhenAny(allTaken.Task, Task.Delay(Timeout)));
        await poller;
        client.Send(BitConverter.GetBytes(-1));
        client.Send(BitConverter.GetBytes(-1));
        await Task.WhenAll(waiters);
        Assert.Equal(count, taken);
    }

    [Fact]
    public async Task BurstsOfEverySize_AreDeliveredWholeWithPausesBetween()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var echo = Task.Run(() =>
        {
            var buffer = new byte[16];
            for (int n = 0; n < 300 * 151; n++)
            {
                var got = server.Receive(buffer);
                server.Send(got.RoutingId, buffer.AsSpan(0, got.Length));
            }
        });
        var reply = new byte[16];
        int next = 0;
        for (int round = 0; round < 300; round++)
        {
            int burst = round % 3 == 0 ? 300 : round % 150 + 1;
            burst = Math.Min(burst, 300 * 151 - next);
            for (int i = 0; i < burst; i++)
            {
                client.Send(BitConverter.GetBytes(next + i));
            }
            for (int i = 0; i < burst; i++)
            {
                client.Receive(reply);
                Assert.Equal(next + i, BitConverter.ToInt32(reply));
            }
            next += burst;
        }
        while (next < 300 * 151)
        {
            client.Send(BitConverter.GetBytes(next));
            client.Receive(reply);
            Assert.Equal(next++, BitConverter.ToInt32(reply));
        }
        await echo;
    }
}

public sealed class WakeupOverTcp : WakeupTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class WakeupOverIpc : WakeupTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class WakeupOverInproc : WakeupTests
{
    protected override string AnyEndpoint => $"inproc://wakeup-{Guid.NewGuid():N}";
}
