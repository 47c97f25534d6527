using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace Zmq.Perf;

/// <summary>Runs one workload in child processes, each run time-boxed: a stuck library becomes a failed row.</summary>
internal static class Runner
{
    private const string BindWho = "bind side";
    private const string ConnectWho = "connect side";
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    public static WorkloadResult Run(Workload w, Settings s)
    {
        if (w.Kind == Kind.Scale)
        {
            return Scale.Run(w, s);
        }
        long t0 = Stopwatch.GetTimestamp();
        double Wall() => Stopwatch.GetElapsedTime(t0).TotalSeconds;
        string[] common = [.. w.ToArgs(), .. s.ToArgs()];
        using var lines = new BlockingCollection<ChildLine>();
        var children = new List<ChildProcess>();
        try
        {
            if (w.Procs == 1)
            {
                var both = ChildProcess.Start("child", [ChildMain.Command, "both", .. common], lines);
                children.Add(both);
                var (bind1, connect1, error1) = Collect(lines, children, s.Deadline + ReadyTimeout);
                return new WorkloadResult(w, bind1, connect1, error1, Wall());
            }

            var bind = ChildProcess.StartSide(BindWho, w, "bind", common, lines);
            children.Add(bind);
            string? endpoint = null;
            while (endpoint is null)
            {
                if (!lines.TryTake(out var line, ReadyTimeout))
                {
                    return WorkloadResult.Failed(w, $"the bind side reported no endpoint within {ReadyTimeout.TotalSeconds:0} s", Wall());
                }
                switch (line.Kind)
                {
                    case "READY":
                        endpoint = line.Payload;
                        break;
                    case "ERROR":
                        return WorkloadResult.Failed(w, $"bind side: {line.Payload}", Wall());
                    case "EXIT":
                        return WorkloadResult.Failed(w, bind.Describe(), Wall());
                }
            }
            var connect = ChildProcess.StartSide(ConnectWho, w, "connect", [.. common, "--connect", endpoint], lines);
            children.Add(connect);
            var (b, c, error) = Collect(lines, children, s.Deadline);
            connect.Release();
            return new WorkloadResult(w, b, c, error, Wall());
        }
        finally
        {
            foreach (var child in children)
            {
                child.Dispose();
            }
        }
    }

    /// <summary>Waits for both sides' results, the first error, or the deadline.</summary>
    private static (SideResult? Bind, SideResult? Connect, string? Error) Collect(BlockingCollection<ChildLine> lines, List<ChildProcess> children, TimeSpan timeout)
    {
        SideResult? bind = null;
        SideResult? connect = null;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (bind is null || connect is null)
        {
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero || !lines.TryTake(out var line, left))
            {
                string waiting = bind is null ? "the bind side" : "the connect side";
                return (bind, connect, $"timed out: no result from {waiting} within {timeout.TotalSeconds:0} s (killed)");
            }
            switch (line.Kind)
            {
                case "RESULT bind":
                    bind = JsonSerializer.Deserialize(line.Payload, PerfJson.Default.SideResult);
                    break;
                case "RESULT connect":
                    connect = JsonSerializer.Deserialize(line.Payload, PerfJson.Default.SideResult);
                    break;
                case "ERROR":
                    return (bind, connect, $"{line.Who}: {line.Payload}");
                case "EXIT":
                    bool reported = line.Who switch
                    {
                        BindWho => bind is not null,
                        ConnectWho => connect is not null,
                        _ => bind is not null && connect is not null,
                    };
                    if (!reported)
                    {
                        return (bind, connect, children.First(c => c.Who == line.Who).Describe());
                    }
                    break;
            }
        }
        return (bind, connect, null);
    }
}
