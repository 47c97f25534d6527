namespace Zmq.Perf;

/// <summary>A row of the report: the combined figures of both sides, or why there are none.</summary>
internal sealed record WorkloadResult(Workload Workload, SideResult? Bind, SideResult? Connect, string? Error, double WallSeconds)
{
    public bool Ok => Error is null && Bind is not null && Connect is not null;

    /// <summary>The side whose count and clock define the result: the receiver for streams (the
    /// subscribers for fan-out), the client for latency.</summary>
    public SideResult? Measuring => Workload.Kind is Kind.Latency or Kind.FanOut ? Connect : Bind;

    public double MessagesPerSecond => Ok && Measuring!.Seconds > 0 ? Measuring.Messages / Measuring.Seconds : double.NaN;

    public double MegabytesPerSecond => MessagesPerSecond * Workload.Size / 1e6;

    public LatencyStats? Latency => Ok ? Connect!.Latency : null;

    /// <summary>Managed bytes allocated per message (or round trip), summed over both processes.
    /// Null for libzmq, whose allocations are native and invisible to the GC.</summary>
    public double? AllocatedPerMessage => !Ok || Workload.Variant.Library == Libraries.Library.LibZmq ? null : Sum(s => s.Allocated);

    /// <summary>CPU time per message (or round trip) in microseconds, summed over both processes.</summary>
    public double? CpuMicrosPerMessage => Ok ? Sum(s => s.CpuSeconds * 1e6) : null;

    private double? Sum(Func<SideResult, double> value)
    {
        // One process: both sides read the same process-wide counters, so only one reading counts.
        IEnumerable<SideResult> sides = Workload.Procs == 1 ? [Measuring!] : [Bind!, Connect!];
        double total = 0;
        foreach (var s in sides)
        {
            if (s.Messages <= 0)
            {
                return null;
            }
            total += value(s) / s.Messages;
        }
        return total;
    }

    /// <summary>Higher is better: messages per second, or round trips per second at the median.</summary>
    public double Score => Workload.Kind == Kind.Latency
        ? (Latency is { P50Us: > 0 } l ? 1 / l.P50Us : double.NaN)
        : MessagesPerSecond;

    /// <summary>The headline figure in its own unit: msgs/s, or the median round trip in µs.</summary>
    public double Headline => Workload.Kind == Kind.Latency ? Latency?.P50Us ?? double.NaN : MessagesPerSecond;

    /// <summary>The headline figure of every run of this workload when it was repeated (this one is the best).</summary>
    public IReadOnlyList<double> RunHeadlines { get; init; } = [];

    /// <summary>Of several runs of one workload, the fastest: on a shared machine interference only
    /// slows a run down, so the best run is the least disturbed one.</summary>
    public static WorkloadResult Best(IReadOnlyList<WorkloadResult> runs)
    {
        var ok = runs.Where(r => r.Ok && double.IsFinite(r.Score)).ToList();
        var best = ok.Count > 0 ? ok.MaxBy(r => r.Score)! : runs[^1];
        return best with { RunHeadlines = [.. ok.Select(r => r.Headline)] };
    }

    /// <summary>(highest − lowest) / best of the runs' headline figures, when there were several.</summary>
    public double? Spread => RunHeadlines.Count > 1 && Ok ? (RunHeadlines.Max() - RunHeadlines.Min()) / Headline : null;

    public static WorkloadResult Failed(Workload w, string error, double wallSeconds) => new(w, null, null, error, wallSeconds);
}
