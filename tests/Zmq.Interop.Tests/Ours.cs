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

    /// <summary>Sends <paramref name="messages"/> from our CLIENT while receiving the echoes, and checks
    /// each echo is the message with the same index. Sending runs alongside receiving because both
    /// directions fill up at the high-water marks long before 10,000 messages.</summary>
    public static async Task ExchangeAsync(ClientSocket client, IReadOnlyList<byte[]> messages, NodePeer peer)
    {
        var sending = Task.Run(() =>
        {
            foreach (var m in messages)
            {
                client.Send(m);
            }
        });
        for (int i = 0; i < messages.Count; i++)
        {
            if (!client.TryReceive(out var reply, Wait))
            {
                Assert.Fail($"reply {i} of {messages.Count} did not arrive within {Wait.TotalSeconds} s (sender {sending.Status}).{peer.Describe()}");
            }
            Payload.AssertSame(messages[i], reply.Span, $"reply {i}");
        }
        await sending.WaitAsync(Wait);
    }

    public static List<byte[]> Messages(uint salt, int count, params int[] sizes) =>
        [.. Enumerable.Range(0, count).Select(i => Payload.Make(salt, i, sizes[i % sizes.Length]))];
}
