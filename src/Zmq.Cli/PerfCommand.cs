using System.Diagnostics;
using System.Globalization;

namespace Zmq.Cli;

/// <summary>
/// libzmq-style throughput and latency benchmarks for CLIENT/SERVER over tcp loopback, either as two
/// threads of this process or with the SERVER in a child process (this same executable, re-invoked
/// with the hidden <c>perf-peer</c> command).
/// </summary>
internal static class PerfCommand
{
    public const string Usage = """
          zmq perf thr|lat [--type client-server] [--transport tcp|ipc|inproc] [--size BYTES] [--count N] [--procs 1|2] [--hwm N]
              thr: a CLIENT sends N messages (default 1000000) of SIZE bytes (default 64) as fast as it can
                   to a SERVER, which times first to last message; prints msg/s and MB/s.
              lat: the CLIENT sends N messages (default 20000), the SERVER echoes each; prints mean, p50
                   and p99 round trip in µs after a short warm-up.
              --procs 2 puts the SERVER in a child process (default 1: two threads in one process).
              --hwm sets the send and receive high-water marks of both sockets (default 1000).
              Both print bytes allocated per message. inproc runs in one process (--procs 1).
              Exits 0 when the run completed, 1 if it stalled or a message arrived with the wrong size.

          zmq perf --compare [--quick]
              Runs the side-by-side benchmark (this library vs NetMQ vs libzmq, bench/Zmq.Perf) from the
              repository checkout this tool is in; --quick takes about 2 minutes, the full run about 10.
              Its output passes through; stderr shows the rows done and the time taken (one line, updated
              in place on a terminal; a line per finished row otherwise). Ends with the paths of the
              table (table.txt) and chart (throughput.svg) in bench/results/<time>/.
              Exits 0 if every row ran, 1 if one failed or the harness is not found.
        """;

    public static readonly string[] Options = ["type", "transport", "size", "count", "procs", "hwm"];

    private const string Allocation = "GC.GetTotalAllocatedBytes(precise: true) delta over the measured section, whole process incl. the library's I/O threads";

    public static readonly string[] Flags = ["compare", "quick"];

    public static int Run(Args args)
    {
        if (args.Has("compare"))
        {
            return CompareCommand.Run(args.Has("quick"));
        }
        args.NoMorePositionals(1);
        string mode = args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException("'perf' needs thr or lat, e.g. zmq perf thr --size 64 --count 1000000");
        if (mode is not ("thr" or "lat"))
        {
            throw new UsageException($"'perf' runs thr or lat, not '{mode}'");
        }
        string type = args.Get("type") ?? "client-server";
        string transport = args.Get("transport") ?? "tcp";
        if (type != "client-server" || transport is not ("tcp" or "ipc" or "inproc"))
        {
            Console.Error.WriteLine($"zmq: perf supports --type client-server with --transport tcp, ipc or inproc (got --type {type} --transport {transport})");
            return 2;
        }
        bool thr = mode == "thr";
        int size = args.GetInt("size", 64, 0, 256 * 1024 * 1024);
        int count = args.GetInt("count", thr ? 1_000_000 : 20_000, thr ? 2 : 1);
        int procs = args.GetInt("procs", 1, 1, 2);
        if (transport == "inproc" && procs != 1)
        {
            throw new UsageException("inproc connects sockets of one process: use --procs 1");
        }
        int hwm = args.GetInt("hwm", 1000, 0);
        // Enough to get the hot paths through tiered JIT before the clock starts: tier-1 code arrives
        // only after the methods have run for a while (about half a second here), so the warm-up is
        // sized in bytes (~100 MB) rather than messages, with at least 10,000 messages.
        int warmup = thr ? (int)Math.Min(count, Math.Max(10_000, 100_000_000L / Math.Max(size, 64))) : Math.Min(count, 1_000);
        var c = new PerfConfig(mode, size, count, warmup, hwm, transport);

        string where = procs == 1 ? "1 process (CLIENT and SERVER on their own threads)" : "2 processes (SERVER in a child process)";
        Console.WriteLine($"perf {mode}: CLIENT -> SERVER over {transport}{(transport == "tcp" ? " loopback" : "")}, {size} B x {count:N0} (+{warmup:N0} warm-up), {where}, hwm {hwm}");
        try
        {
            return thr ? Throughput(c, procs) : Latency(c, procs);
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"zmq: perf failed: {e.Message}");
            return 1;
        }
    }

    private static int Throughput(PerfConfig c, int procs)
    {
        SideResult received;
        SideResult sent;
        if (procs == 1)
        {
            using var server = PerfSides.NewServer(c);
            server.Bind(c.BindEndpoint);
            using var client = PerfSides.NewClient(c);
            client.Connect(server.LastEndpoint!);
            var receiver = RunOnThread("perf-receiver", () => PerfSides.ReceiveThroughput(server, c));
            sent = PerfSides.SendThroughput(client, c);
            received = receiver.GetAwaiter().GetResult();
        }
        else
        {
            using var client = PerfSides.NewClient(c);
            client.Bind(c.BindEndpoint);
            using var peer = new Peer(c, client.LastEndpoint!);
            sent = PerfSides.SendThroughput(client, c);
            if (!peer.TryGetResult(out received))
            {
                return 1;
            }
        }
        long timed = c.Count - 1;
        double rate = timed / received.Seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"throughput: {rate:0} msg/s, {rate * c.Size / 1e6:0.0} MB/s ({c.Size} B x {c.Count}; receiver timed first to last message)"));
        Console.WriteLine($"sender: {c.Count / sent.Seconds:0} msg/s into the socket");
        if (procs == 1)
        {
            Console.WriteLine($"allocated: {PerMessage(received.Allocated, timed)} B/msg, sender and receiver together ({Allocation})");
        }
        else
        {
            Console.WriteLine($"allocated: sender {PerMessage(sent.Allocated, c.Count)} B/msg, receiver {PerMessage(received.Allocated, timed)} B/msg ({Allocation}, each process)");
        }
        return CheckSizes(received.Bad);
    }

    private static int Latency(PerfConfig c, int procs)
    {
        var ticks = new long[c.Count];
        SideResult trips;
        SideResult echoed;
        if (procs == 1)
        {
            using var server = PerfSides.NewServer(c);
            server.Bind(c.BindEndpoint);
            using var client = PerfSides.NewClient(c);
            client.Connect(server.LastEndpoint!);
            var echo = RunOnThread("perf-echo", () => PerfSides.Echo(server, c));
            trips = PerfSides.RoundTrips(client, c, ticks);
            echoed = echo.GetAwaiter().GetResult();
        }
        else
        {
            using var client = PerfSides.NewClient(c);
            client.Bind(c.BindEndpoint);
            using var peer = new Peer(c, client.LastEndpoint!);
            trips = PerfSides.RoundTrips(client, c, ticks);
            if (!peer.TryGetResult(out echoed))
            {
                return 1;
            }
        }
        Array.Sort(ticks);
        double us = 1e6 / Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency (round trip): mean {ticks.Average() * us:0.0} µs, p50 {Percentile(ticks, 0.50) * us:0.0} µs, p99 {Percentile(ticks, 0.99) * us:0.0} µs, min {ticks[0] * us:0.0} µs, max {ticks[^1] * us:0.0} µs"));
        Console.WriteLine($"  ({c.Count} round trips of {c.Size} B in {trips.Seconds:0.000} s; libzmq's local_lat prints half the round trip)");
        if (procs == 1)
        {
            Console.WriteLine($"allocated: {PerMessage(trips.Allocated, c.Count)} B/round trip, both sides together ({Allocation})");
        }
        else
        {
            Console.WriteLine($"allocated: CLIENT {PerMessage(trips.Allocated, c.Count)} B/round trip, SERVER {PerMessage(echoed.Allocated, c.Count)} B/round trip ({Allocation}, each process)");
        }
        return CheckSizes(trips.Bad + echoed.Bad);
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static long Percentile(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string PerMessage(long bytes, long messages) => (bytes / (double)messages).ToString("0.0", CultureInfo.InvariantCulture);

    private static int CheckSizes(long bad)
    {
        if (bad == 0)
        {
            return 0;
        }
        Console.Error.WriteLine($"zmq: perf failed: {bad} message(s) arrived with the wrong size");
        return 1;
    }

    /// <summary>A dedicated thread, not the pool: the measured loop must not compete with the library's I/O work items.</summary>
    private static Task<SideResult> RunOnThread(string name, Func<SideResult> body)
    {
        var tcs = new TaskCompletionSource<SideResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                tcs.SetResult(body());
            }
            catch (TimeoutException e)
            {
                tcs.SetException(e);
            }
        })
        { Name = name, IsBackground = true }.Start();
        return tcs.Task;
    }

    /// <summary>The child process running <c>perf-peer</c>; killed on dispose if it is still running.</summary>
    private sealed class Peer : IDisposable
    {
        private readonly Process _process;

        public Peer(PerfConfig c, string endpoint)
        {
            string self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot find this executable to start the child process");
            var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            // Under 'dotnet zmq.dll' the process is the dotnet host, which needs the app's path first.
            if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            {
                psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, typeof(PerfCommand).Assembly.GetName().Name + ".dll"));
            }
            psi.ArgumentList.Add(PerfPeer.Command);
            foreach (string a in c.ToArgs())
            {
                psi.ArgumentList.Add(a);
            }
            psi.ArgumentList.Add("--connect");
            psi.ArgumentList.Add(endpoint);
            _process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {self}");
        }

        public bool TryGetResult(out SideResult result)
        {
            string? line;
            try
            {
                line = _process.StandardOutput.ReadLineAsync().WaitAsync(PerfConfig.Stall * 2).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
                line = null;
            }
            if (PerfPeer.TryParse(line, out result))
            {
                return true;
            }
            string state = _process.WaitForExit(TimeSpan.FromSeconds(2)) ? $"exited with code {_process.ExitCode}" : "did not answer";
            Console.Error.WriteLine($"zmq: perf failed: the child process {state} without a result (got: {line ?? "nothing"})");
            return false;
        }

        public void Dispose()
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
            }
            _process.Dispose();
        }
    }
}
