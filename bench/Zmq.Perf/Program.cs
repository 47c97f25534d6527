using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Zmq.Perf;
using Zmq.Perf.Libraries;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

try
{
    var cli = Cli.Parse(args);
    if (cli.ChildRole is { } role)
    {
        return ChildMain.Run(role, cli.Options);
    }
    if (cli.Help)
    {
        Console.WriteLine(Cli.Usage);
        return 0;
    }
    return Orchestrator.Run(cli);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"Zmq.Perf: {e.Message}");
    Console.Error.WriteLine(Cli.Usage);
    return 2;
}

namespace Zmq.Perf
{
    /// <summary>The command line: <c>[--quick] [--procs 2|1|both] [--only ...] [--filter ...] [--out DIR]</c>,
    /// or <c>child ROLE --key value ...</c> when the harness runs itself as one side of a workload.</summary>
    internal sealed record Cli(bool Quick, int? Repeat, IReadOnlyList<int> Procs, IReadOnlyList<Library>? Only, string? Filter, string? Out,
        TimeSpan? Warmup, TimeSpan? Duration, bool Help, string? ChildRole, IReadOnlyDictionary<string, string> Options)
    {
        public const string Usage = """
            usage: dotnet run --project bench/Zmq.Perf -c Release -- [options]
              --quick               fewer sizes, shorter windows, one run of each (about 2 minutes)
              --repeat N            run the whole plan N times, keep each workload's best run (default: 2, quick: 1)
              --procs 2|1|both      sender and receiver in separate processes (2, default), in one process (1), or both
              --only LIBS           comma-separated subset of: libzmq, netmq, zmq
              --filter TEXT         only workloads whose name contains TEXT (e.g. "thr tcp", "lat", "16→1")
              --warmup S --duration S   override the warm-up and measured seconds per workload
              --out DIR             results folder (default bench/results/<timestamp>/)
            """;

        public static Cli Parse(string[] args)
        {
            if (args.Length > 0 && args[0] == ChildMain.Command)
            {
                if (args.Length < 2)
                {
                    throw new ArgumentException("child needs a role");
                }
                return new Cli(false, null, [2], null, null, null, null, null, false, args[1], Pairs(args.AsSpan(2)));
            }
            bool quick = false;
            bool help = false;
            int? repeat = null;
            IReadOnlyList<int> procs = [2];
            IReadOnlyList<Library>? only = null;
            string? filter = null;
            string? outDir = null;
            TimeSpan? warmup = null;
            TimeSpan? duration = null;
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--quick":
                        quick = true;
                        break;
                    case "--help" or "-h":
                        help = true;
                        break;
                    case "--procs":
                        procs = Value() switch
                        {
                            "1" => [1],
                            "2" => [2],
                            "both" => [2, 1],
                            var v => throw new ArgumentException($"--procs takes 1, 2 or both, not '{v}'"),
                        };
                        break;
                    case "--only":
                        only = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseLibrary)];
                        break;
                    case "--repeat":
                        repeat = int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
                            ? n : throw new ArgumentException("--repeat takes a count of 1 or more");
                        break;
                    case "--filter":
                        filter = Value();
                        break;
                    case "--out":
                        outDir = Value();
                        break;
                    case "--warmup":
                        warmup = Seconds(Value());
                        break;
                    case "--duration":
                        duration = Seconds(Value());
                        break;
                    default:
                        throw new ArgumentException($"unknown option '{args[i]}'");
                }
            }
            return new Cli(quick, repeat, procs, only, filter, outDir, warmup, duration, help, null, new Dictionary<string, string>());
        }

        private static TimeSpan Seconds(string s) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= 0 ? TimeSpan.FromSeconds(v) : throw new ArgumentException($"'{s}' is not a number of seconds");

        private static Library ParseLibrary(string s) => s.ToUpperInvariant() switch
        {
            "LIBZMQ" => Library.LibZmq,
            "NETMQ" => Library.NetMQ,
            "ZMQ" => Library.Zmq,
            _ => throw new ArgumentException($"unknown library '{s}' (libzmq, netmq, zmq)"),
        };

        private static Dictionary<string, string> Pairs(ReadOnlySpan<string> args)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i + 1 < args.Length; i += 2)
            {
                d[args[i].TrimStart('-')] = args[i + 1];
            }
            return d;
        }
    }

    /// <summary>The parent process: runs the plan one workload at a time, then prints and saves the report.</summary>
    internal static class Orchestrator
    {
        public static int Run(Cli cli)
        {
            var started = DateTimeOffset.Now;
            long t0 = Stopwatch.GetTimestamp();
            var settings = Plan.SettingsFor(cli.Quick);
            settings = settings with { Warmup = cli.Warmup ?? settings.Warmup, Duration = cli.Duration ?? settings.Duration };

            int repeat = cli.Repeat ?? (cli.Quick ? 1 : 2);
            var plan = Plan.Build(cli.Quick, cli.Procs);
            bool hasLibZmq = LibZmqNative.IsAvailable(out string libZmqVersion);
            if (!hasLibZmq)
            {
                Console.WriteLine("libzmq (libzmq.so.5) is not installed, so its rows are skipped. Install it with:");
                Console.WriteLine("    sudo apt-get install libzmq5      # Debian/Ubuntu: libzmq 4.3, the reference for these numbers");
                plan.RemoveAll(w => w.Variant.Library == Library.LibZmq);
            }
            if (cli.Only is { } only)
            {
                plan.RemoveAll(w => !only.Contains(w.Variant.Library));
            }
            if (cli.Filter is { } filter)
            {
                plan.RemoveAll(w => !w.Name.Contains(filter, StringComparison.OrdinalIgnoreCase));
            }
            if (plan.Count == 0)
            {
                Console.Error.WriteLine("Zmq.Perf: no workload left to run");
                return 2;
            }

            string netmq = typeof(NetMQ.Msg).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
            string mode = cli.Quick ? "quick" : "full";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Zmq.Perf {mode}: {plan.Count} workloads × {repeat} run(s), {settings.Warmup.TotalSeconds:0.0} s warm-up + {settings.Duration.TotalSeconds:0.0} s measured each; libzmq {(hasLibZmq ? libZmqVersion : "missing")}, NetMQ {netmq}, .NET {Environment.Version}, {Environment.ProcessorCount} cores"));

            bool wantsLoopback = plan.Any(w => w is { Kind: Kind.Throughput, Transport: "tcp", Size: LoopbackLimit.RowSize });
            LoopbackLimit? loopback = null;

            // Whole rounds rather than back-to-back repeats, so a slow spell of the shared machine
            // lands on different workloads in each round instead of on all runs of one.
            var runs = plan.Select(_ => new List<WorkloadResult>()).ToArray();
            int width = plan.Max(w => w.Name.Length);
            string total = plan.Count.ToString(CultureInfo.InvariantCulture);
            for (int round = 1; round <= repeat; round++)
            {
                string prefix = repeat > 1 ? $"round {round}/{repeat} " : "";
                if (wantsLoopback)
                {
                    // One iperf3 run per round, so the limit is a best of N like the rows it is compared with.
                    loopback = LoopbackLimit.Sample(loopback);
                    Console.WriteLine(loopback.Samples.Count == round
                        ? string.Create(CultureInfo.InvariantCulture, $"[{prefix}loopback] iperf3 {loopback.Samples[^1]:0} MB/s")
                        : $"[{prefix}loopback] {loopback.Error}");
                }
                for (int i = 0; i < plan.Count; i++)
                {
                    // zmq perf --compare follows the run by these lines and the header above
                    // (src/Zmq.Cli/CompareProgress.cs): change their shape in both places.
                    var w = plan[i];
                    Console.Write($"[{prefix}{(i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(total.Length)}/{total}] {w.Name.PadRight(width)}  ");
                    Console.Out.Flush();
                    var r = Runner.Run(w, settings);
                    runs[i].Add(r);
                    Console.WriteLine(Report.Progress(r));
                }
            }
            var results = runs.Select(WorkloadResult.Best).ToList();

            var rows = Report.Compare(results);
            string table = Report.Tables(rows, loopback);
            Console.WriteLine();
            Console.Write(table);

            double wall = Stopwatch.GetElapsedTime(t0).TotalSeconds;
            string folder = cli.Out ?? DefaultFolder(started);
            var info = new RunInfo(started, mode, settings, hasLibZmq ? libZmqVersion : null, netmq, wall, repeat, loopback);
            ResultFiles.Write(folder, info, rows, table);
            Console.WriteLine();
            Console.WriteLine($"Results: {Path.GetFullPath(folder)} (results.csv, results.json, throughput.svg, table.txt)");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total time: {wall:0} s"));
            return results.All(r => r.Ok) ? 0 : 1;
        }

        /// <summary>bench/results/&lt;timestamp&gt; of the repository the command runs in (found by
        /// Zmq.slnx), else of the current folder.</summary>
        private static string DefaultFolder(DateTimeOffset started)
        {
            string stamp = started.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Zmq.slnx")))
                {
                    return Path.Combine(dir.FullName, "bench", "results", stamp);
                }
            }
            return Path.Combine("bench-results", stamp);
        }
    }
}
