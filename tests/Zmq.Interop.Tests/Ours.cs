namespace Zmq.Interop.Tests;

/// <summary>Our sockets as the interop tests use them: every wait bounded, so a wire problem
/// fails a test in seconds instead of hanging the run.</summary>
internal static class Ours
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    public static ClientSocket Client() => Bounded(new ClientSocket());

    public static ServerSocket Server() => Bounded(new ServerSocket());

    private static T Bounded<T>(T socket) where T : ZmqSocket
    {
        socket.ReceiveTimeout = Wait;
        socket.SendTimeout = Wait;
        socket.Linger = TimeSpan.FromSeconds(1);
        return socket;
    }

    /// <summary>Echoes every message to its sender until cancelled; returns the routing ids seen.</summary>
    public static async Task<IReadOnlySet<uint>> EchoAsync(ServerSocket server, CancellationToken ct)
    {
        var peers = new HashSet<uint>();
        try
        {
            while (true)
            {
                var m = await server.ReceiveAsync(ct);
                peers.Add(m.RoutingId);
                await server.SendAsync(m.RoutingId, m.Data, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        return peers;
    }

    /// <summary>Receives with a deadline, failing with what was expected and the peer's output.
    /// Async on purpose: a blocking Receive holds a thread-pool thread, which the test host is short
    /// of (see ThreadPoolMinThreads in the csproj), and the library's connections run on the pool.</summary>
    public static async Task<Message> ReceiveAsync(IReceivingSocket socket, string what, NodePeer? peer = null)
    {
        using var cts = new CancellationTokenSource(Wait);
        try
        {
            return await socket.ReceiveAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} did not arrive within {Wait.TotalSeconds} s.{peer?.Describe()}");
        }
    }

    /// <summary>The next frame our SUB receives within <paramref name="timeout"/>; a
    /// <see cref="TimeoutException"/> if none does (for probing until a subscription takes effect).</summary>
    public static async Task<Message> ReceiveWithinAsync(SubscriberSocket sub, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return await sub.ReceiveAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"nothing received within {timeout.TotalMilliseconds} ms");
        }
    }

    /// <summary>Sends <paramref name="messages"/> from our CLIENT while receiving the echoes, and checks
    /// each echo is the message with the same index. Sending runs alongside receiving because both
    /// directions fill up at the high-water marks long before 10,000 messages.</summary>
    public static async Task ExchangeAsync(ClientSocket client, IReadOnlyList<byte[]> messages, NodePeer peer)
    {
        using var stop = new CancellationTokenSource();
        var sending = SendAllAsync(stop.Token);
        try
        {
            for (int i = 0; i < messages.Count; i++)
            {
                var reply = await ReceiveAsync(client, $"reply {i} of {messages.Count}", peer);
                Payload.AssertSame(messages[i], reply.Span, $"reply {i}");
            }
        }
        finally
        {
            await stop.CancelAsync();
        }
        // Every echo came back, so every send completed: this only surfaces a send exception.
        await sending;

        async Task SendAllAsync(CancellationToken ct)
        {
            foreach (var m in messages)
            {
                await client.SendAsync(m, ct);
            }
        }
    }

    public static List<byte[]> Messages(uint salt, int count, params int[] sizes) =>
        [.. Enumerable.Range(0, count).Select(i => Payload.Make(salt, i, sizes[i % sizes.Length]))];

    /// <summary>Polls <paramref name="condition"/> until it holds, failing after <see cref="Wait"/>
    /// with <paramref name="what"/> (evaluated then, so it can show the state at the deadline).</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                Assert.Fail($"not within {Wait.TotalSeconds} s: {what()}");
            }
            await Task.Delay(20);
        }
    }
}
