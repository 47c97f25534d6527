using System.Buffers.Binary;
using System.Collections.Concurrent;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>
/// A receiver slower than its peer, with a small receive high-water mark, so that the connection's
/// queue is full most of the time: over tcp and ipc the read loop then hands reading to the
/// receiving threads (ZmtpConnection.DirectRead.cs), and takes it back when the socket runs dry.
/// Whoever reads, every message arrives once, whole and in order, and what follows the messages (the
/// peer's end, the socket's own close) is still seen.
/// </summary>
public abstract class SlowReceiverTests : TransportTestBase
{
    private const int SmallHwm = 10;

    private ServerSocket SlowServer()
    {
        var server = NewServer();
        server.ReceiveHighWatermark = SmallHwm;
        server.Bind(AnyEndpoint);
        return server;
    }

    /// <summary>Numbered messages of alternating sizes: inline (up to 64 B) and pooled (above).</summary>
    private static byte[] Numbered(int i)
    {
        var m = new byte[i % 3 == 0 ? 200 : 8];
        BinaryPrimitives.WriteInt32LittleEndian(m, i);
        m[^1] = (byte)i;
        return m;
    }

    private static int CheckedNumber(ReadOnlySpan<byte> m)
    {
        int i = BinaryPrimitives.ReadInt32LittleEndian(m);
        Assert.Equal(Numbered(i).Length, m.Length);
        Assert.Equal((byte)i, m[^1]);
        return i;
    }

    [Fact]
    public async Task SlowReceiverWithASmallHwm_GetsEveryMessageOnceAndInOrder()
    {
        const int count = 20_000;
        await using var server = SlowServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var sending = Task.Run(() =>
        {
            for (int i = 0; i < count; i++)
            {
                client.Send(Numbered(i));
            }
        });

        var buffer = new byte[256];
        for (int i = 0; i < count; i++)
        {
            // Every receive form goes through the same queue and so the same reading.
            int got = (i % 3) switch
            {
                0 => CheckedNumber(buffer.AsSpan(0, server.Receive(buffer).Length)),
                1 => CheckedNumber(server.Receive().Span),
                _ => ReceiveAsBuffer(server),
            };
            Assert.Equal(i, got);
        }
        await sending;
        Assert.False(server.TryReceive(out var extra), $"an extra message of {extra.Length} B");
    }

    private static int ReceiveAsBuffer(ServerSocket server)
    {
        using var m = server.ReceiveBuffer();
        return CheckedNumber(m.Span);
    }

    [Fact]
    public async Task PeerThatSendsThenLeaves_IsReadToTheEndThenReportedGone()
    {
        const int count = 5_000;
        await using var server = SlowServer();
        var events = server.Monitor();
        var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var closing = Task.Run(async () =>
        {
            for (int i = 0; i < count; i++)
            {
                client.Send(Numbered(i));
            }
            // Linger lets the queued messages out before the connection closes.
            await client.DisposeAsync();
        });

        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i, CheckedNumber(server.Receive().Span));
        }
        await closing;
        var gone = await events.NextAsync(SocketEventType.Disconnected);
        Assert.Equal(server.LastEndpoint, gone.Endpoint);
        Assert.False(server.TryReceive(out _), "nothing after the peer's last message");
    }

    [Fact]
    public async Task DisposingAReceiverWhosePeerStillSends_Completes()
    {
        var server = SlowServer();
        await using var client = NewClient();
        client.SendTimeout = TimeSpan.Zero;
        client.Connect(server.LastEndpoint!);
        client.Send(Numbered(0));
        Assert.Equal(0, CheckedNumber(server.Receive().Span));
        // Fill every queue on the way, so the server's connection is parked or handed over.
        int sent = 1;
        while (sent < 100_000 && client.TrySend(Numbered(sent)))
        {
            sent++;
        }
        Assert.Equal(1, CheckedNumber(server.Receive().Span));

        var disposing = server.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(Timeout)));
        await disposing;
        Assert.Throws<ObjectDisposedException>(() => server.Bind(AnyEndpoint));
    }

    [Fact]
    public async Task SeveralReceivingThreads_ShareTheStreamWithoutLossOrDuplicates()
    {
        const int count = 20_000;
        const int threads = 4;
        await using var server = SlowServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var seen = new ConcurrentDictionary<int, bool>();
        int received = 0;
        var receivers = Enumerable.Range(0, threads).Select(_ => Task.Run(() =>
        {
            var buffer = new byte[256];
            while (Interlocked.Increment(ref received) <= count)
            {
                var r = server.Receive(buffer);
                int i = CheckedNumber(buffer.AsSpan(0, r.Length));
                Assert.True(seen.TryAdd(i, true), $"message {i} received twice");
            }
        })).ToArray();
        for (int i = 0; i < count; i++)
        {
            client.Send(Numbered(i));
        }
        await Task.WhenAll(receivers);
        Assert.Equal(count, seen.Count);
    }
}

public sealed class SlowReceiverOverTcp : SlowReceiverTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class SlowReceiverOverIpc : SlowReceiverTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class SlowReceiverOverInproc : SlowReceiverTests
{
    protected override string AnyEndpoint => $"inproc://slow-{Guid.NewGuid():N}";
}
