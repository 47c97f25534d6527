using System.Buffers.Binary;
using System.Diagnostics;

namespace Zmq.Cli;

/// <summary>
/// One SERVER echoing to N CLIENTs over loopback; each client checks that it got back exactly
/// the messages it sent, in order, and nothing else.
/// </summary>
internal static class DemoCommand
{
    public const string Usage = """
          zmq demo [--clients N] [--messages M] [--size BYTES] [--timeout SECONDS]
              One SERVER on tcp://127.0.0.1:* echoes to N CLIENTs (default 4), each sending M requests
              (default 100000) of SIZE bytes (default 64, min 8) from its own thread; every client checks
              it got back exactly its own messages, in order. Exits 0 if all verified, 1 otherwise.
              The run fails (instead of hanging) if nothing moves for --timeout seconds (default 10).
        """;

    public static readonly string[] Options = ["clients", "messages", "size", "timeout"];

    // Each request starts with the client's index and its sequence number so a reply can be matched
    // to the exact request; the rest is filled with a per-client byte so a mixed-up body shows too.
    private const int HeaderSize = 8;
    private const int MaxBytesInFlight = 32 * 1024 * 1024;

    public static int Run(Args args)
    {
        args.NoMorePositionals(0);
        int clients = args.GetInt("clients", 4, 1, 1000);
        int messages = args.GetInt("messages", 100_000, 1);
        int size = args.GetInt("size", 64, HeaderSize, 64 * 1024 * 1024);
        var stallTimeout = TimeSpan.FromSeconds(args.GetInt("timeout", 10, 1, 3600));

        using var server = new ServerSocket { ReceiveTimeout = stallTimeout, SendTimeout = stallTimeout, Linger = TimeSpan.Zero };
        server.Bind("tcp://127.0.0.1:*");
        string endpoint = server.LastEndpoint!;
        Console.WriteLine($"SERVER bound on {endpoint}");
        Console.WriteLine($"{clients} CLIENT(s) connecting, each sending {messages:N0} request(s) of {size} B from its own thread; the server echoes each back to its sender");

        using var stop = new CancellationTokenSource();
        var serverResult = new ServerStats();
        var serverThread = new Thread(() => Echo(server, serverResult, stop.Token)) { Name = "demo-server", IsBackground = true };

        // The window keeps every queue on the path below its high-water mark, so the single echo
        // thread never blocks on one slow client while the others wait; the byte cap keeps big
        // messages from piling up hundreds of megabytes in flight.
        int window = Math.Max(1, Math.Min(Math.Min(server.SendHighWatermark, server.ReceiveHighWatermark) / 2, MaxBytesInFlight / size));
        var results = new ClientResult[clients];
        var threads = new Thread[clients];
        using var ready = new CountdownEvent(clients);
        using var go = new ManualResetEventSlim();
        for (int i = 0; i < clients; i++)
        {
            int index = i;
            results[i] = new ClientResult();
            threads[i] = new Thread(() => RunClient(index, endpoint, messages, size, window, stallTimeout, results[index], ready, go))
            {
                Name = $"demo-client-{i}",
                IsBackground = true,
            };
        }

        serverThread.Start();
        foreach (var t in threads)
        {
            t.Start();
        }
        ready.Wait();
        long start = Stopwatch.GetTimestamp();
        go.Set();

        // Clients fail on their own after stallTimeout without progress; the extra margin only
        // guards against a client thread wedged somewhere no timeout reaches.
        var hardLimit = stallTimeout * 3;
        long deadline = Environment.TickCount64 + (long)hardLimit.TotalMilliseconds;
        bool allJoined = threads.All(t => t.Join(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64))));
        long end = results.Max(r => r.FinishedAt);
        stop.Cancel();
        serverThread.Join(TimeSpan.FromSeconds(5));

        bool ok = allJoined;
        for (int i = 0; i < clients; i++)
        {
            var r = results[i];
            string verdict = r.Error == null && r.Received == messages ? "OK" : "FAILED";
            ok &= verdict == "OK";
            string detail = r.Error == null ? "" : $" - {r.Error}";
            Console.WriteLine($"  client {i}: sent {r.Sent:N0}, got back {r.Received:N0} of its own in order: {verdict}{detail}");
        }
        if (!allJoined)
        {
            Console.WriteLine($"  some client threads did not finish within {hardLimit.TotalSeconds:0} s");
        }
        if (serverResult.Error != null)
        {
            ok = false;
            Console.WriteLine($"  server: {serverResult.Error}");
        }

        long total = (long)clients * messages;
        double seconds = Stopwatch.GetElapsedTime(start, end > start ? end : Stopwatch.GetTimestamp()).TotalSeconds;
        Console.WriteLine($"server echoed {serverResult.Echoed:N0} message(s)");
        Console.WriteLine($"elapsed: {seconds:0.000} s");
        Console.WriteLine($"round trips: {total / seconds:N0} msg/s, {total * (double)size / seconds / 1e6:0.0} MB/s of payload each way ({size} B x {total:N0})");
        Console.WriteLine(ok ? "all clients verified: PASS" : "verification FAILED");
        return ok ? 0 : 1;
    }

    private static void Echo(ServerSocket server, ServerStats stats, CancellationToken stop)
    {
        try
        {
            var poll = TimeSpan.FromMilliseconds(100);
            while (!stop.IsCancellationRequested)
            {
                if (server.TryReceive(out var m, poll))
                {
                    server.Send(m.RoutingId, m.Span);
                    stats.Echoed++;
                }
            }
        }
        catch (Exception e) when (e is TimeoutException or HostUnreachableException or ObjectDisposedException)
        {
            stats.Error = $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static void RunClient(int index, string endpoint, int messages, int size, int window, TimeSpan stallTimeout,
        ClientResult result, CountdownEvent ready, ManualResetEventSlim go)
    {
        byte filler = (byte)(index * 37 + 1);
        var request = new byte[size];
        request.AsSpan(HeaderSize).Fill(filler);
        bool signalled = false;
        try
        {
            using var client = new ClientSocket { SendTimeout = stallTimeout, Linger = TimeSpan.Zero };
            client.Connect(endpoint);
            ready.Signal();
            signalled = true;
            go.Wait();
            while (result.Received < messages)
            {
                if (result.Sent < messages && result.Sent - result.Received < window)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(request, index);
                    BinaryPrimitives.WriteInt32LittleEndian(request.AsSpan(4), result.Sent);
                    client.Send(request);
                    result.Sent++;
                    continue;
                }
                if (!client.TryReceive(out var reply, stallTimeout))
                {
                    result.Error = $"no reply for {stallTimeout.TotalSeconds:0} s";
                    return;
                }
                string? problem = Check(reply.Span, index, result.Received, size, filler);
                if (problem != null)
                {
                    result.Error = $"reply #{result.Received}: {problem}";
                    return;
                }
                result.Received++;
            }
            result.FinishedAt = Stopwatch.GetTimestamp();
            // Outside the timed run: anything beyond our own messages would be someone else's reply routed to us.
            if (client.TryReceive(out var extra, TimeSpan.FromMilliseconds(50)))
            {
                result.Error = $"an extra message of {extra.Length} B arrived after all replies";
            }
        }
        catch (Exception e) when (e is TimeoutException or ZmqException or ObjectDisposedException)
        {
            result.Error = $"{e.GetType().Name}: {e.Message}";
        }
        finally
        {
            // A client that failed before it was ready must not keep the start line waiting.
            if (!signalled)
            {
                ready.Signal();
            }
        }
    }

    private static string? Check(ReadOnlySpan<byte> reply, int index, int expectedSeq, int size, byte filler)
    {
        if (reply.Length != size)
        {
            return $"length {reply.Length}, expected {size}";
        }
        int from = BinaryPrimitives.ReadInt32LittleEndian(reply);
        int seq = BinaryPrimitives.ReadInt32LittleEndian(reply[4..]);
        if (from != index)
        {
            return $"belongs to client {from}";
        }
        if (seq != expectedSeq)
        {
            return $"sequence {seq}, expected {expectedSeq}";
        }
        return reply[HeaderSize..].IndexOfAnyExcept(filler) >= 0 ? "body corrupted" : null;
    }

    private sealed class ClientResult
    {
        public int Sent;
        public int Received;
        public string? Error;
        public long FinishedAt;
    }

    private sealed class ServerStats
    {
        public long Echoed;
        public string? Error;
    }
}
