using System.Buffers.Binary;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>
/// A sender faster than its connection, with a small send high-water mark, so that its queue is
/// full most of the time: over tcp and ipc the sending thread then writes the queue out itself
/// whenever the write loop is not writing (ZmtpConnection.SenderFlush.cs), and leaves to the loop
/// what the kernel will not take. Whoever writes, every message arrives once, whole and in order.
/// </summary>
public abstract class FastSenderTests : TransportTestBase
{
    private const int SmallHwm = 10;

    /// <summary>Sizes that cross every boundary on the way out: empty, inline, pooled, a long frame
    /// header (above 255 B), and a body large enough to be sent from its own array.</summary>
    private static readonly int[] Sizes = [4, 8, 64, 65, 255, 256, 5000, 40_000, 0];

    private static byte[] Numbered(int i, int sender = 0)
    {
        int size = Sizes[i % Sizes.Length];
        var m = new byte[Math.Max(size, 9)];
        BinaryPrimitives.WriteInt32LittleEndian(m, i);
        BinaryPrimitives.WriteInt32LittleEndian(m.AsSpan(4), sender);
        m[^1] = (byte)i;
        return m;
    }

    /// <summary>The message's number, after checking its length and last byte; <paramref name="sender"/>
    /// is the number of the thread that sent it.</summary>
    private static int CheckedNumber(ReadOnlySpan<byte> m, out int sender)
    {
        int i = BinaryPrimitives.ReadInt32LittleEndian(m);
        sender = BinaryPrimitives.ReadInt32LittleEndian(m[4..]);
        Assert.Equal(Numbered(i).Length, m.Length);
        Assert.Equal((byte)i, m[^1]);
        return i;
    }

    private static ClientSocket FastClient(ServerSocket server)
    {
        var client = NewClient();
        client.SendHighWatermark = SmallHwm;
        client.Connect(server.LastEndpoint!);
        return client;
    }

    [Fact]
    public async Task ClientAtTheHwm_DeliversMessagesOfEverySizeOnceAndInOrder()
    {
        const int count = 5_000;
        await using var server = BoundServer();
        await using var client = FastClient(server);
        var sending = Threads.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                client.Send(Numbered(i));
            }
        });
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, CheckedNumber(server.Receive().Span, out _));
        }
        await sending;
        Assert.False(server.TryReceive(out var extra), $"an extra message of {extra.Length} B");
    }

    [Fact]
    public async Task ServerAtTheHwm_RepliesToOnePeerOnceAndInOrder()
    {
        const int count = 5_000;
        await using var server = BoundServer();
        server.SendHighWatermark = SmallHwm;
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hello");
        uint peer = server.Receive().RoutingId;
        var sending = Threads.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                server.Send(peer, Numbered(i));
            }
        });
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, CheckedNumber(client.Receive().Span, out _));
        }
        await sending;
    }

    [Fact]
    public async Task SendsUntilEveryBufferIsFull_LoseNothingAndKeepTheirOrder()
    {
        await using var server = BoundServer();
        server.ReceiveHighWatermark = SmallHwm;
        await using var client = FastClient(server);
        client.Send(Numbered(0));
        Assert.Equal(0, CheckedNumber(server.Receive().Span, out _));

        // Nobody receives now: the sender's queue, the kernel's buffers and the server's queue fill,
        // and what the kernel took only in part is left with the write loop. Non-blocking sends go
        // first; when one is refused, a send that may wait a little tells a busy loop from full
        // buffers. (Small messages only: a large one at the head of the queue is left to the loop.)
        client.SendTimeout = TimeSpan.FromMilliseconds(200);
        int next = 1;
        while (next < 2_000_000)
        {
            if (!client.TrySend(Numbered(next)))
            {
                try
                {
                    client.Send(Numbered(next));
                }
                catch (TimeoutException)
                {
                    break;
                }
            }
            next = NextSmall(next);
        }
        Assert.True(next < 2_000_000, "the buffers never filled");

        for (int i = 1; i < next; i = NextSmall(i))
        {
            Assert.Equal(i, CheckedNumber(server.Receive().Span, out _));
        }
        client.SendTimeout = Timeout;
        client.Send(Numbered(next));
        Assert.Equal(next, CheckedNumber(server.Receive().Span, out _));
    }

    private static int NextSmall(int i)
    {
        do
        {
            i++;
        }
        while (Sizes[i % Sizes.Length] >= 32_000);
        return i;
    }

    [Fact]
    public async Task SeveralThreadsSendingAtTheHwm_EachThreadsMessagesArriveInTheirOrder()
    {
        const int perThread = 3_000;
        const int threads = 4;
        await using var server = BoundServer();
        await using var client = FastClient(server);
        var senders = Enumerable.Range(0, threads).Select(t => Threads.Run(() =>
        {
            for (int i = 0; i < perThread; i++)
            {
                client.Send(Numbered(i, t));
            }
        })).ToArray();
        var next = new int[threads];
        for (int n = 0; n < threads * perThread; n++)
        {
            int i = CheckedNumber(server.Receive().Span, out int t);
            Assert.Equal(next[t], i);
            next[t]++;
        }
        await Task.WhenAll(senders);
        Assert.All(next, n => Assert.Equal(perThread, n));
    }

    [Fact]
    public async Task DisposingASocketWhileItsSenderStreams_EndsTheSenderAndCompletes()
    {
        await using var server = BoundServer();
        var client = FastClient(server);
        // The server stops reading below: what is still queued then is dropped at once, not lingered on.
        client.Linger = TimeSpan.FromMilliseconds(100);
        int sent = 0;
        var sending = Threads.Run(() =>
        {
            try
            {
                while (true)
                {
                    client.Send(Numbered(sent));
                    Interlocked.Increment(ref sent);
                }
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        });
        for (int i = 0; i < 1_000; i++)
        {
            Assert.Equal(i, CheckedNumber(server.Receive().Span, out _));
        }

        var disposing = client.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(Timeout)));
        Assert.Same(sending, await Task.WhenAny(sending, Task.Delay(Timeout)));
        await sending;
        Assert.True(Volatile.Read(ref sent) >= 1_000);
    }
}

public sealed class FastSenderOverTcp : FastSenderTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class FastSenderOverIpc : FastSenderTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class FastSenderOverInproc : FastSenderTests
{
    protected override string AnyEndpoint => $"inproc://fast-{Guid.NewGuid():N}";
}
