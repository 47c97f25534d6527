using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>
/// What one process of the scale workload saw. Times are raw <see cref="Stopwatch"/> ticks: the
/// clock is the system's monotonic clock, so the server's and the clients' readings compare
/// across processes of one machine.
/// </summary>
internal sealed record ScaleStats(
    int Connections,
    long StartTicks = 0,
    long AllSeenTicks = 0,
    long EndTicks = 0,
    long PauseTicks = 0,
    int Seen = 0,
    int PeersAtIdle = 0,
    long HeapBefore = 0,
    long HeapIdle = 0,
    long WorkingSetBefore = 0,
    long WorkingSetIdle = 0,
    long FdLimit = -1,
    long Failures = 0,
    string? FirstFailure = null);

/// <summary>The scale workload's figures, from the server's and the clients' <see cref="ScaleStats"/>.</summary>
/// <param name="FailedConnections">Clients that timed out or got a wrong reply (each is then left alone).</param>
internal sealed record ScaleSummary(int Connections, int Seen, long Replies, long Expected, long FailedConnections, string? FirstFailure,
    double ConnectSeconds, double TotalSeconds, double HeapPerConnection, double WorkingSetPerConnection, int PeersAtIdle, long ServerFdLimit, long ClientFdLimit)
{
    public static ScaleSummary? Of(WorkloadResult r)
    {
        if (r.Bind?.Scale is not { } server || r.Connect?.Scale is not { } clients)
        {
            return null;
        }
        double f = Stopwatch.Frequency;
        int n = server.Connections;
        long expected = (long)n * Plan.ScaleTrips;
        return new ScaleSummary(
            n, server.Seen, r.Connect.Messages, expected,
            clients.Failures, clients.FirstFailure ?? server.FirstFailure,
            server.Seen == n ? (server.AllSeenTicks - clients.StartTicks) / f : double.NaN,
            // The pause is the harness's own: clients wait idle while the server's memory is read.
            (clients.EndTicks - clients.StartTicks - clients.PauseTicks) / f,
            (server.HeapIdle - server.HeapBefore) / (double)n,
            (server.WorkingSetIdle - server.WorkingSetBefore) / (double)n,
            server.PeersAtIdle, server.FdLimit, clients.FdLimit);
    }
}

/// <summary>
/// N CLIENTs in one child process, one SERVER in another. The clients connect all at once and each
/// makes one round trip; once every reply is in, they idle while the parent has the server read its
/// memory, then make the remaining round trips. The server echoes everything and notes when it has
/// heard from every connection.
/// </summary>
internal static class Scale
{
    public const string ServerRole = "scale-server";
    public const string ClientsRole = "scale-clients";
    public const string PhasePrefix = "PERF-PHASE ";

    /// <summary>Past the (kernel-capped) listen backlog, simultaneous connects are dropped and retried
    /// after a SYN timeout of a second or more; a big one measures the library rather than that.</summary>
    public const int Backlog = 65535;

    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    public static TimeSpan Deadline(int connections) => TimeSpan.FromSeconds(40 + connections * 0.01);

    // ---- parent ----

    public static WorkloadResult Run(Workload w, Settings s)
    {
        long t0 = Stopwatch.GetTimestamp();
        double Wall() => Stopwatch.GetElapsedTime(t0).TotalSeconds;
        string[] common = [.. w.ToArgs(), .. s.ToArgs()];
        var deadline = Stopwatch.GetTimestamp() + (long)(Deadline(w.Senders).TotalSeconds * Stopwatch.Frequency);
        using var lines = new BlockingCollection<ChildLine>();
        var children = new List<ChildProcess>();
        try
        {
            var server = ChildProcess.Start("server", [ChildMain.Command, ServerRole, .. common], lines, raiseFdLimit: true);
            children.Add(server);
            var (ready, error) = WaitFor(lines, children, "READY", deadline);
            if (error is not null)
            {
                return WorkloadResult.Failed(w, error, Wall());
            }
            int perProcess = Math.Min(w.Senders, ScaleSockets.PerProcess(w.Variant));
            var clients = new List<ChildProcess>();
            for (int first = 0; first < w.Senders; first += perProcess)
            {
                int count = Math.Min(perProcess, w.Senders - first);
                var c = ChildProcess.Start($"clients {clients.Count + 1}", [ChildMain.Command, ClientsRole, .. common, "--connect", ready!, "--count", Str(count)], lines, raiseFdLimit: true);
                clients.Add(c);
                children.Add(c);
            }
            for (int i = 0; i < clients.Count; i++)
            {
                (_, error) = WaitFor(lines, children, "PHASE idle", deadline);
                if (error is not null)
                {
                    return WorkloadResult.Failed(w, error, Wall());
                }
            }
            server.Tell("measure");
            (_, error) = WaitFor(lines, children, "PHASE measured", deadline);
            if (error is not null)
            {
                return WorkloadResult.Failed(w, error, Wall());
            }
            foreach (var c in clients)
            {
                c.Tell("go");
            }
            SideResult? bind = null;
            var connects = new List<SideResult>();
            while (bind is null || connects.Count < clients.Count)
            {
                var (payload, kind, err) = Next(lines, children, deadline, bind is null ? "the server" : "the clients");
                if (err is not null)
                {
                    return new WorkloadResult(w, bind, connects.Count > 0 ? Merge(connects) : null, err, Wall());
                }
                if (kind == "RESULT bind")
                {
                    bind = JsonSerializer.Deserialize(payload!, PerfJson.Default.SideResult);
                }
                else if (kind == "RESULT connect")
                {
                    connects.Add(JsonSerializer.Deserialize(payload!, PerfJson.Default.SideResult)!);
                }
            }
            foreach (var c in clients)
            {
                c.Release();
            }
            server.Release();
            return new WorkloadResult(w, bind, Merge(connects), null, Wall());
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    /// <summary>The client processes as one: earliest start, latest end, and the shortest pause
    /// (that of the process that went idle last, which is when the memory reading began).</summary>
    private static SideResult Merge(List<SideResult> parts)
    {
        var stats = parts.Select(p => p.Scale!).ToList();
        var merged = new ScaleStats(
            stats.Sum(x => x.Connections),
            StartTicks: stats.Min(x => x.StartTicks),
            EndTicks: stats.Max(x => x.EndTicks),
            PauseTicks: stats.Min(x => x.PauseTicks),
            FdLimit: stats.Min(x => x.FdLimit),
            Failures: stats.Sum(x => x.Failures),
            FirstFailure: stats.Select(x => x.FirstFailure).FirstOrDefault(f => f is not null));
        return new SideResult("clients", parts.Sum(p => p.Messages), parts.Max(p => p.Seconds), 0, 0, parts.Sum(p => p.Bad), Scale: merged);
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static (string? Payload, string? Error) WaitFor(BlockingCollection<ChildLine> lines, List<ChildProcess> children, string kind, long deadline)
    {
        while (true)
        {
            var (payload, k, error) = Next(lines, children, deadline, $"'{kind}'");
            if (error is not null || k == kind)
            {
                return (payload, error);
            }
        }
    }

    private static (string? Payload, string? Kind, string? Error) Next(BlockingCollection<ChildLine> lines, List<ChildProcess> children, long deadline, string waitingFor)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
        if (left <= TimeSpan.Zero || !lines.TryTake(out var line, left))
        {
            return (null, null, $"timed out waiting for {waitingFor} (killed)");
        }
        return line.Kind switch
        {
            "ERROR" => (null, null, $"{line.Who}: {line.Payload}"),
            "EXIT" => (null, null, children.First(c => c.Who == line.Who).Describe()),
            _ => (line.Payload, line.Kind, null),
        };
    }

    // ---- children ----

    public static void Server(Workload w)
    {
        WarmUp(w.Variant);
        var (heapBefore, wsBefore) = Memory();
        using var server = ScaleSockets.Server(w.Variant);
        string endpoint = server.Bind("tcp://127.0.0.1:*");
        int n = w.Senders;
        long expected = (long)n * Plan.ScaleTrips;
        long received = 0;
        long allSeen = 0;
        long last = 0;
        string? failure = null;
        var seen = new HashSet<long>();
        var loop = new Thread(() =>
        {
            try
            {
                while (received < expected)
                {
                    long peer = server.EchoOne();
                    received++;
                    if (seen.Add(peer) && seen.Count == n)
                    {
                        allSeen = Stopwatch.GetTimestamp();
                    }
                    last = Stopwatch.GetTimestamp();
                }
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or ObjectDisposedException)
            {
                failure = "server: " + ChildMain.OneLine(e);
            }
        })
        { Name = "scale-echo", IsBackground = true };
        loop.Start();
        Console.Out.WriteLine(ChildMain.ReadyPrefix + endpoint);
        Console.Out.Flush();

        string? command = Console.In.ReadLine();
        if (command != "measure")
        {
            throw new InvalidOperationException($"expected 'measure' from the parent, got '{command}'");
        }
        // Lets the last replies leave and the I/O settle, so the reading is of idle connections.
        Thread.Sleep(Idle);
        int peers = server.PeerCount;
        var (heapIdle, wsIdle) = Memory();
        Phase("measured");
        loop.Join();
        var stats = new ScaleStats(n, AllSeenTicks: allSeen, EndTicks: last, Seen: seen.Count, PeersAtIdle: peers,
            HeapBefore: heapBefore, HeapIdle: heapIdle, WorkingSetBefore: wsBefore, WorkingSetIdle: wsIdle,
            FdLimit: FdLimit(), Failures: expected - received, FirstFailure: failure);
        ChildMain.Report("bind", new SideResult("server", received, Stopwatch.GetElapsedTime(allSeen, last).TotalSeconds, 0, 0, 0, Scale: stats));
        _ = Console.In.ReadLine();
    }

    public static void Clients(Workload w, string endpoint, int n)
    {
        var payload = new byte[w.Size];
        var clients = new IScaleClient[n];
        var failed = new bool[n];
        long failures = 0;
        long replies = 0;
        string? firstFailure = null;
        long start = Stopwatch.GetTimestamp();
        try
        {
            for (int i = 0; i < n; i++)
            {
                clients[i] = ScaleSockets.Client(w.Variant, n);
                clients[i].Connect(endpoint);
            }
            Round();
            long pauseFrom = Stopwatch.GetTimestamp();
            Phase("idle");
            string? command = Console.In.ReadLine();
            if (command != "go")
            {
                throw new InvalidOperationException($"expected 'go' from the parent, got '{command}'");
            }
            long pause = Stopwatch.GetTimestamp() - pauseFrom;
            for (int trip = 1; trip < Plan.ScaleTrips; trip++)
            {
                Round();
            }
            long end = Stopwatch.GetTimestamp();
            var stats = new ScaleStats(n, StartTicks: start, EndTicks: end, PauseTicks: pause, FdLimit: FdLimit(), Failures: failures, FirstFailure: firstFailure);
            ChildMain.Report("connect", new SideResult("clients", replies, Stopwatch.GetElapsedTime(start, end).TotalSeconds, 0, 0, failures, Scale: stats));
            _ = Console.In.ReadLine();
        }
        finally
        {
            foreach (var c in clients)
            {
                c?.Dispose();
            }
        }

        // Every connection sends before any waits, so all N are in flight at once, as N
        // independent peers would be; a connection that failed once is not used again.
        void Round()
        {
            for (int i = 0; i < n; i++)
            {
                Try(i, () => clients[i].Send(payload));
            }
            for (int i = 0; i < n; i++)
            {
                Try(i, () =>
                {
                    if (clients[i].Receive() != payload.Length)
                    {
                        throw new InvalidOperationException("a reply of the wrong size");
                    }
                    replies++;
                });
            }
        }

        void Try(int i, Action action)
        {
            if (failed[i])
            {
                return;
            }
            try
            {
                action();
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException)
            {
                failed[i] = true;
                failures++;
                firstFailure ??= $"connection {i}: {ChildMain.OneLine(e)}";
            }
        }
    }

    /// <summary>One tcp round trip on a throwaway pair, so the JIT's code for the paths the
    /// connections use is in the baseline rather than counted against them.</summary>
    private static void WarmUp(Variant v)
    {
        using var server = ScaleSockets.Server(v);
        string endpoint = server.Bind("tcp://127.0.0.1:*");
        using var client = ScaleSockets.Client(v, 1);
        client.Connect(endpoint);
        client.Send("warm-up"u8);
        _ = server.EchoOne();
        _ = client.Receive();
    }

    private static (long Heap, long WorkingSet) Memory()
    {
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        return (heap, self.WorkingSet64);
    }

    private static void Phase(string name)
    {
        Console.Out.WriteLine(PhasePrefix + name);
        Console.Out.Flush();
    }

    /// <summary>The soft limit on open files this process got (Linux), or -1.</summary>
    private static long FdLimit()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    string[] parts = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -1;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return -1;
    }
}
