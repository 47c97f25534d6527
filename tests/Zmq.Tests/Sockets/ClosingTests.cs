using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>"Closing loses nothing": Dispose hands every message queued for a connected peer to the
/// OS before closing, on accepted connections as on dialled ones, and for every socket type.</summary>
public abstract class ClosingTests : TransportTestBase
{
    private const int Count = 100_000;

    /// <summary>Sends <see cref="Count"/> numbered messages and disposes the sender at once, while
    /// another thread receives (as a real receiver would: Dispose may wait for it to make room);
    /// every message must arrive, in order.</summary>
    private static async Task SendNumberedThenDisposeAsync(ZmqSocket sender, Action<byte[]> send, Func<Message> receive)
    {
        var receiving = Threads.Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                Assert.Equal(i, BitConverter.ToInt32(receive().Span));
            }
        });
        var payload = new byte[16];
        for (int i = 0; i < Count; i++)
        {
            BitConverter.TryWriteBytes(payload, i);
            send(payload);
        }
        sender.Dispose();
        await receiving.WaitAsync(Timeout);
    }

    [Fact]
    public async Task ClosingLosesNothing_ServerDisposedRightAfterReplyingOnAcceptedConnections()
    {
        for (int round = 0; round < 5; round++)
        {
            var server = BoundServer();
            server.Linger = Timeout;
            await using var client = NewClient();
            client.Connect(server.LastEndpoint!);
            client.Send("ready");
            uint id = server.Receive().RoutingId;
            await SendNumberedThenDisposeAsync(server, payload => server.Send(id, payload), () => client.Receive());
        }
    }

    [Fact]
    public async Task ClosingLosesNothing_PublisherDisposedRightAfterPublishingOnAcceptedConnections()
    {
        for (int round = 0; round < 5; round++)
        {
            // No HWM: a publisher drops at its HWM by design, and this is about closing.
            var pub = new PublisherSocket { SendHighWatermark = 0, Linger = Timeout };
            pub.Bind(AnyEndpoint);
            await using var sub = new SubscriberSocket { ReceiveTimeout = Timeout, ReceiveHighWatermark = 0, Linger = TimeSpan.Zero };
            sub.Subscribe("");
            sub.Connect(pub.LastEndpoint!);
            await PubSubTests.SubscribedAsync(pub, sub, "");
            await SendNumberedThenDisposeAsync(pub, payload => pub.Send(payload), () => sub.Receive());
        }
    }
}

/// <summary>Closing over a connection that can fail to drain (tcp, ipc): a stalled peer cannot hang
/// Dispose, and what no connection can take is dropped and logged.</summary>
public abstract class StreamClosingTests : ClosingTests
{
    [Fact]
    public async Task InfiniteLinger_EndsOnceNothingHasMovedForLingerStallTimeout()
    {
        await using var server = NewServer();
        server.ReceiveHighWatermark = 1;
        server.Bind(AnyEndpoint);
        var log = new RecordingLogger();
        var client = new ClientSocket
        {
            SendHighWatermark = 4,
            Linger = System.Threading.Timeout.InfiniteTimeSpan,
            LingerStallTimeout = TimeSpan.FromMilliseconds(300),
            Logger = log,
        };
        client.Connect(server.LastEndpoint!);
        // The server never reads: the kernel buffers and then the client's queue fill and stay full.
        var payload = new byte[64 * 1024];
        await Wait.UntilAsync(() => !client.TrySend(payload), "the client's queue is full");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var disposing = client.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(Timeout)));
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(300), $"Dispose returned after {started.Elapsed}, before the stall timeout");
    }

    [Fact]
    public async Task MessagesForAPeerThatIsNotConnected_AreDroppedOnCloseAndLogged()
    {
        string nowhere = FreshEndpoint();
        var log = new RecordingLogger();
        // The default linger is infinite: there is still nothing to wait for.
        var client = new ClientSocket { Logger = log };
        client.Connect(nowhere);
        for (int i = 0; i < 3; i++)
        {
            client.Send("never delivered");
        }
        var disposing = client.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(Timeout)));
        var entry = await log.WaitForAsync(RecordingLogger.DroppedOnCloseId, "dropped 3");
        Assert.Contains(nowhere, entry.Message, StringComparison.Ordinal);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, entry.Level);
    }

    [Fact]
    public async Task MessagesQueuedForAPeerThatBrokeTheProtocol_AreDroppedAndLogged()
    {
        using var listener = RawListener.Listen(AnyEndpoint);
        var log = new RecordingLogger();
        await using var client = new ClientSocket { Logger = log, Linger = TimeSpan.Zero };
        client.Connect(listener.Endpoint);
        for (int i = 0; i < 3; i++)
        {
            client.Send("never delivered");
        }
        await using var peer = await listener.AcceptAsync(Timeout);
        await peer.SendAsync("GET / HTTP/1.1\r\n"u8.ToArray());
        var entry = await log.WaitForAsync(RecordingLogger.DroppedAfterProtocolErrorId, "dropped 3");
        Assert.Contains(listener.Endpoint, entry.Message, StringComparison.Ordinal);
        Assert.False(client.TrySend("no endpoint left"u8), "the broken endpoint must leave the rotation");
    }

    [Fact]
    public async Task ClosedConnections_AreCollectableAtOnce_NotHeldByAPendingCloseTimer()
    {
        await using var server = BoundServer();
        var disposed = new List<WeakReference>();
        for (int i = 0; i < 20; i++)
        {
            disposed.Add(await ConnectExchangeAndDisposeAsync(server));
        }
        await Wait.UntilAsync(() => server.Peers.Count == 0, "the server sees every client leave");
        // A closed connection whose close timer (30 s, for a peer that never closes its side) were
        // still pending would hold its socket, and everything the socket holds, until it fired.
        await Wait.UntilAsync(() =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return disposed.All(w => !w.IsAlive);
        }, "every disposed client is collected");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> ConnectExchangeAndDisposeAsync(ServerSocket server)
    {
        var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        Assert.Equal("hi", server.ReceiveString());
        await client.DisposeAsync();
        return new WeakReference(client);
    }
}

public sealed class ClosingOverTcp : StreamClosingTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class ClosingOverIpc : StreamClosingTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class ClosingOverInproc : ClosingTests
{
    protected override string AnyEndpoint => $"inproc://closing-{Guid.NewGuid():N}";
}
