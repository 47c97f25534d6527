using System.Diagnostics;

namespace Zmq.Cli;

/// <summary>What both perf processes must agree on; the parent passes it to the child on its command line.</summary>
internal sealed record PerfConfig(string Mode, int Size, int Count, int Warmup, int Hwm, string Transport = "tcp")
{
    /// <summary>Where the binding side listens: a free tcp port, a fresh ipc path, or a fresh inproc name.</summary>
    public string BindEndpoint => Transport switch
    {
        "ipc" => "ipc://*",
        "inproc" => $"inproc://zmq-perf-{Guid.NewGuid():N}",
        _ => "tcp://127.0.0.1:*",
    };

    // A side that sees no traffic for this long gives up with an error instead of hanging.
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(10);

    public IEnumerable<string> ToArgs() =>
        [Mode, "--size", Str(Size), "--count", Str(Count), "--warmup", Str(Warmup), "--hwm", Str(Hwm)];

    private static string Str(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A measured section: how long it took, how many bytes the whole process allocated
/// meanwhile, and how many messages had the wrong size.</summary>
internal readonly record struct SideResult(double Seconds, long Allocated, long Bad);

/// <summary>
/// The two ends of each benchmark, shared by the one-process (two threads) and two-process runs.
/// All sync API with one thread per side, as libzmq's local_thr/remote_thr and local_lat/remote_lat.
/// Allocation is GC.GetTotalAllocatedBytes(precise: true): the per-thread counter would miss the
/// library's I/O threads, which do half the work.
/// </summary>
internal static class PerfSides
{
    /// <summary>Payloads up to this size are stored inline: sent from and received into one reused
    /// buffer. Larger ones go as pooled <see cref="MessageBuffer"/>s, copied neither way, as
    /// libzmq's perf tools pass zmq_msg_t.</summary>
    private const int InlineLimit = 64;

    // A finished run has nothing queued; after a failed one, closing must not wait for a peer that is gone.
    private static readonly TimeSpan CloseLinger = TimeSpan.FromSeconds(1);

    public static ServerSocket NewServer(PerfConfig c) => new()
    {
        SendHighWatermark = c.Hwm,
        ReceiveHighWatermark = c.Hwm,
        SendTimeout = PerfConfig.Stall,
        ReceiveTimeout = PerfConfig.Stall,
        Linger = CloseLinger,
    };

    public static ClientSocket NewClient(PerfConfig c) => new()
    {
        SendHighWatermark = c.Hwm,
        ReceiveHighWatermark = c.Hwm,
        SendTimeout = PerfConfig.Stall,
        ReceiveTimeout = PerfConfig.Stall,
        Linger = CloseLinger,
    };

    /// <summary>libzmq local_thr: the clock starts when the first measured message arrives, so
    /// connection set-up is excluded and <c>Count - 1</c> messages are timed.</summary>
    public static SideResult ReceiveThroughput(ServerSocket server, PerfConfig c)
    {
        // Received into one reused buffer, as libzmq's local_thr reuses one zmq_msg_t.
        var buffer = new byte[c.Size];
        long bad = 0;
        for (int i = 0; i < c.Warmup; i++)
        {
            bad += ReceiveOne(server, buffer) != c.Size ? 1 : 0;
        }
        bad += ReceiveOne(server, buffer) != c.Size ? 1 : 0;
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 1; i < c.Count; i++)
        {
            bad += ReceiveOne(server, buffer) != c.Size ? 1 : 0;
        }
        long t1 = Stopwatch.GetTimestamp();
        long a1 = GC.GetTotalAllocatedBytes(precise: true);
        return new SideResult(Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, a1 - a0, bad);
    }

    public static SideResult SendThroughput(ClientSocket client, PerfConfig c)
    {
        var payload = new byte[c.Size];
        for (int i = 0; i < c.Warmup; i++)
        {
            SendOne(client, payload);
        }
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < c.Count; i++)
        {
            SendOne(client, payload);
        }
        long t1 = Stopwatch.GetTimestamp();
        long a1 = GC.GetTotalAllocatedBytes(precise: true);
        return new SideResult(Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, a1 - a0, 0);
    }

    /// <summary>libzmq remote_lat's role: send every message straight back.</summary>
    public static SideResult Echo(ServerSocket server, PerfConfig c)
    {
        var buffer = new byte[c.Size];
        long bad = 0;
        for (int i = 0; i < c.Warmup; i++)
        {
            EchoOne(server, buffer);
        }
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        long t0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < c.Count; i++)
        {
            bad += EchoOne(server, buffer) != c.Size ? 1 : 0;
        }
        long t1 = Stopwatch.GetTimestamp();
        long a1 = GC.GetTotalAllocatedBytes(precise: true);
        return new SideResult(Stopwatch.GetElapsedTime(t0, t1).TotalSeconds, a1 - a0, bad);
    }

    /// <summary>Times each round trip separately so percentiles can be reported, not just the mean.</summary>
    public static SideResult RoundTrips(ClientSocket client, PerfConfig c, long[] ticks)
    {
        var payload = new byte[c.Size];
        var buffer = new byte[c.Size];
        long bad = 0;
        for (int i = 0; i < c.Warmup; i++)
        {
            SendOne(client, payload);
            bad += ReceiveOne(client, buffer) != c.Size ? 1 : 0;
        }
        long a0 = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < c.Count; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            SendOne(client, payload);
            bad += ReceiveOne(client, buffer) != c.Size ? 1 : 0;
            ticks[i] = Stopwatch.GetTimestamp() - t0;
        }
        long end = Stopwatch.GetTimestamp();
        long a1 = GC.GetTotalAllocatedBytes(precise: true);
        return new SideResult(Stopwatch.GetElapsedTime(start, end).TotalSeconds, a1 - a0, bad);
    }

    private static void SendOne(ClientSocket client, byte[] payload)
    {
        if (payload.Length <= InlineLimit)
        {
            client.Send(payload);
            return;
        }
        var message = MessageBuffer.Rent(payload.Length);
        client.Send(ref message);
    }

    private static int ReceiveOne(IReceivingSocket socket, byte[] buffer)
    {
        if (buffer.Length <= InlineLimit)
        {
            return socket.Receive(buffer).Length;
        }
        using var message = socket.ReceiveBuffer();
        return message.Length;
    }

    /// <summary>Receives a message and sends it back as it is; returns its length.</summary>
    private static int EchoOne(ServerSocket server, byte[] buffer)
    {
        if (buffer.Length <= InlineLimit)
        {
            var m = server.Receive(buffer);
            server.Send(m.RoutingId, buffer.AsSpan(0, m.Length));
            return m.Length;
        }
        var message = server.ReceiveBuffer();
        int length = message.Length;
        server.Send(message.RoutingId, ref message);
        return length;
    }
}
