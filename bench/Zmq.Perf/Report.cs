using System.Globalization;
using System.Text;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>A result with its ratios to the references of its workload: &gt;1 means faster than the
/// reference (more messages per second, or a lower median round trip).</summary>
internal sealed record Row(WorkloadResult Result, double? VsLibZmq, double? VsNetMQ, bool NetMQIsTcp)
{
    public Workload Workload => Result.Workload;
}

internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>libzmq's same type where it has one (else PUSH/PULL; REQ/REP for latency) and
    /// NetMQ's same type where it has one (else CLIENT/SERVER) are the references; NetMQ's is the faster of its default and its pooled run, so
    /// the ratio is against NetMQ at its best. NetMQ has no real ipc, so ipc rows compare with its
    /// tcp figure of the same workload.</summary>
    public static List<Row> Compare(IReadOnlyList<WorkloadResult> results)
    {
        var rows = new List<Row>();
        foreach (var r in results)
        {
            // Like with like where the other library has the type in the row (PUSH/PULL, REQ/REP,
            // DEALER/ROUTER); else libzmq's PUSH/PULL (REQ/REP for latency), never a faster row of
            // another type that happens to share the workload, or NetMQ's CLIENT/SERVER.
            var pattern = r.Workload.Variant.Pattern;
            var lib = Find(results, r.Workload.Group, v => v.Library == Library.LibZmq && v.Pattern == pattern)
                ?? Find(results, r.Workload.Group, v => v.Library == Library.LibZmq && v.Pattern is Pattern.PushPull or Pattern.ReqRep)
                ?? Find(results, r.Workload.Group, v => v.Library == Library.LibZmq);
            bool fromTcp = r.Workload.Transport == "ipc";
            string netGroup = (fromTcp ? r.Workload with { Transport = "tcp" } : r.Workload).Group;
            var net = Find(results, netGroup, v => v.Library == Library.NetMQ && v.Pattern == pattern)
                ?? Find(results, netGroup, v => v.Library == Library.NetMQ && v.Pattern == Pattern.ClientServer);
            rows.Add(new Row(r, Ratio(r, lib), Ratio(r, net), fromTcp && net is not null));
        }
        return rows;
    }

    /// <summary>The fastest successful result of the group that <paramref name="which"/> accepts.</summary>
    private static WorkloadResult? Find(IReadOnlyList<WorkloadResult> results, string group, Func<Variant, bool> which) =>
        results.Where(x => x.Ok && x.Workload.Group == group && which(x.Workload.Variant) && double.IsFinite(x.Score)).MaxBy(x => x.Score);

    private static double? Ratio(WorkloadResult r, WorkloadResult? reference)
    {
        if (reference is null || !r.Ok)
        {
            return null;
        }
        double value = r.Score;
        double refValue = reference.Score;
        return double.IsFinite(value) && double.IsFinite(refValue) && refValue > 0 ? value / refValue : null;
    }

    public static string Tables(List<Row> rows, LoopbackLimit? loopback = null)
    {
        var sb = new StringBuilder();
        var failures = new List<string>();
        var streams = rows.Where(r => r.Workload.Kind is not (Kind.Latency or Kind.Scale)).ToList();
        var latency = rows.Where(r => r.Workload.Kind == Kind.Latency).ToList();
        if (streams.Count > 0)
        {
            sb.AppendLine("Throughput (counted at the receiver; ×libzmq / ×NetMQ: message rate relative to libzmq's and NetMQ's same type where they have it (else libzmq PUSH/PULL, the faster NetMQ CLIENT/SERVER), >1 = faster;");
            sb.AppendLine("  fan-out rows: PUB/SUB of each library, or RADIO/DISH (libzmq's reference: its PUB/SUB), messages delivered to all subscribers together;");
            sb.AppendLine("  udp row: RADIO → DISH over udp with NoDrop (Zmq only; the DISH's socket buffer drops what it cannot hold);");
            sb.AppendLine("  1→proxy→1 rows: PUB → XSUB, each library's own proxy, XPUB → SUB, the publisher and the proxy in one process)");
            var t = new TextTable("workload", "library", "msgs/s", "MB/s", "B/msg", "CPU µs/msg", "×libzmq", "×NetMQ", "spread");
            Fill(t, streams, failures, r => [Rate(r.Result.MessagesPerSecond), r.Result.MegabytesPerSecond.ToString("0.0", Inv)]);
            sb.Append(t.Render());
        }
        if (latency.Count > 0)
        {
            if (streams.Count > 0)
            {
                sb.AppendLine();
            }
            sb.AppendLine("Round-trip latency in µs (×libzmq / ×NetMQ: median round trip of libzmq REQ/REP / NetMQ's same type (else the faster NetMQ CLIENT/SERVER) divided by this row's, >1 = faster;");
            sb.AppendLine("  poll rows: PAIR round trips answered through each library's poller (zmq_poll, NetMQSelector, ZmqPoller) over N PAIRs, one active)");
            var t = new TextTable("workload", "library", "mean", "p50", "p99", "B/trip", "CPU µs/trip", "×libzmq", "×NetMQ", "spread");
            Fill(t, latency, failures, r => r.Result.Latency is { } l
                ? [l.MeanUs.ToString("0.0", Inv), l.P50Us.ToString("0.0", Inv), l.P99Us.ToString("0.0", Inv)]
                : ["-", "-", "-"]);
            sb.Append(t.Render());
        }
        Contention(sb, rows);
        Loopback(sb, rows, loopback);
        Scale(sb, rows, failures);
        sb.AppendLine();
        sb.AppendLine("B/msg, CPU µs/msg: managed bytes allocated and CPU time per message over the measured window, sender and receiver processes added up");
        sb.AppendLine("  (1proc rows: the one process). libzmq allocates natively, which the GC cannot see. † NetMQ has no ipc (its ipc:// is TCP): ipc rows compare with NetMQ's tcp figure.");
        sb.AppendLine("NetMQ reference: the faster of NetMQ with its default buffer pool (a new array per message) and \"pooled\" (its BufferManagerBufferPool);");
        sb.AppendLine("  the reference row shows ×NetMQ 1.00. PUSH/PULL, DEALER/ROUTER and REQ/REP rows compare with NetMQ's same type, fan-out rows with its PUB/SUB, proxy rows with its proxy.");
        sb.AppendLine("spread: with --repeat, each row is the best of its runs; spread is (highest − lowest) / best of the runs' msgs/s or p50.");
        foreach (string f in failures)
        {
            sb.AppendLine(f);
        }
        return sb.ToString();
    }

    /// <summary>The shared-socket row of a library next to its one-thread row of the same
    /// transport and size: how much of the one-thread rate survives the threads' contention.</summary>
    public static List<(WorkloadResult Shared, WorkloadResult? Single, double? Ratio)> ContentionPairs(IEnumerable<WorkloadResult> results)
    {
        var all = results.ToList();
        var pairs = new List<(WorkloadResult, WorkloadResult?, double?)>();
        foreach (var r in all.Where(r => r.Workload.Kind == Kind.Shared && r.Ok))
        {
            var single = all.FirstOrDefault(x => x.Ok && x.Workload == r.Workload with { Kind = Kind.Throughput, Senders = 1 });
            double? ratio = single is not null && single.MessagesPerSecond > 0 ? r.MessagesPerSecond / single.MessagesPerSecond : null;
            pairs.Add((r, single, ratio));
        }
        return pairs;
    }

    private static void Contention(StringBuilder sb, List<Row> rows)
    {
        var pairs = ContentionPairs(rows.Select(r => r.Result));
        if (pairs.Count == 0)
        {
            return;
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"Contention: {Plan.SharingThreads} threads sending through one socket vs 1 thread (the thr row of the same transport and size; target for Zmq: ratio ≥ 0.80)"));
        var t = new TextTable("workload", "library", "1 thread", "shared", "ratio");
        foreach (var (shared, single, ratio) in pairs)
        {
            t.Add([shared.Workload.Group, shared.Workload.Variant.Display,
                single is null ? "(not run)" : Rate(single.MessagesPerSecond) + "/s", Rate(shared.MessagesPerSecond) + "/s", Times(ratio)]);
        }
        sb.Append(t.Render());
    }

    private static void Loopback(StringBuilder sb, List<Row> rows, LoopbackLimit? loopback)
    {
        if (loopback is null)
        {
            return;
        }
        sb.AppendLine();
        sb.AppendLine("Loopback limit: " + loopback.Note);
        if (loopback.MegabytesPerSecond is not { } limit)
        {
            return;
        }
        var t = new TextTable("workload", "library", "MB/s", "spread", "of loopback");
        t.Add(["loopback", "iperf3, one TCP stream", limit.ToString("0.0", Inv), Percent(loopback.Spread), "1.00"]);
        foreach (var r in rows.Where(r => r.Result.Ok && r.Workload is { Kind: Kind.Throughput, Transport: "tcp", Size: LoopbackLimit.RowSize }))
        {
            t.Add([r.Workload.Group, r.Workload.Variant.Display, r.Result.MegabytesPerSecond.ToString("0.0", Inv), Percent(r.Result.Spread),
                (r.Result.MegabytesPerSecond / limit).ToString("0.00", Inv)]);
        }
        sb.Append(t.Render());
        sb.AppendLine("of loopback: the row's payload MB/s over iperf3's, both the best of their runs (one iperf3 run per round; target for Zmq ≥ 0.80)");
    }

    private static void Scale(StringBuilder sb, List<Row> rows, List<string> failures)
    {
        var scale = rows.Where(r => r.Workload.Kind == Kind.Scale).ToList();
        if (scale.Count == 0)
        {
            return;
        }
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"Scale: N connections to one SERVER over tcp loopback, each {Plan.ScaleTrips} round trips; the server in one child process, the clients in others (Zmq: one; libzmq DEALERs: up to 4000 each)"));
        var t = new TextTable("workload", "library", "replies", "failed conns", "connect all s", "total s", "heap/conn", "WS/conn", "peers idle", "fd limit srv/cli");
        foreach (var r in scale)
        {
            if (ScaleSummary.Of(r.Result) is not { } s)
            {
                failures.Add($"[{failures.Count + 1}] {r.Workload.Name} failed: {r.Result.Error}");
                t.Add([r.Workload.Group, r.Workload.Variant.Display, $"FAILED [{failures.Count}]"]);
                continue;
            }
            if (s.FirstFailure is not null || r.Result.Error is not null)
            {
                failures.Add($"[{failures.Count + 1}] {r.Workload.Name}: {r.Result.Error ?? s.FirstFailure}");
            }
            t.Add([r.Workload.Group, r.Workload.Variant.Display,
                $"{s.Replies}/{s.Expected}", s.FailedConnections.ToString(Inv),
                double.IsFinite(s.ConnectSeconds) ? s.ConnectSeconds.ToString("0.00", Inv) : $"({s.Seen} seen)",
                s.TotalSeconds.ToString("0.00", Inv), Bytes(s.HeapPerConnection), Bytes(s.WorkingSetPerConnection),
                s.PeersAtIdle < 0 ? "-" : s.PeersAtIdle.ToString(Inv), $"{s.ServerFdLimit}/{s.ClientFdLimit}"]);
        }
        sb.Append(t.Render());
        sb.AppendLine("heap/conn: GC.GetTotalMemory(true) of the server process after all connected and idle minus before any, / N; WS/conn: the same with its working set (target ≤ 32 KiB)");
    }

    private static string Bytes(double b) => Math.Abs(b) >= 1024 ? (b / 1024).ToString("0.0", Inv) + " KiB" : b.ToString("0", Inv) + " B";

    private static void Fill(TextTable t, List<Row> rows, List<string> failures, Func<Row, string[]> values)
    {
        string? lastGroup = null;
        foreach (var r in rows)
        {
            string group = r.Workload.Group == lastGroup ? "" : r.Workload.Group;
            if (group.Length > 0 && lastGroup is not null)
            {
                t.Separator();
            }
            lastGroup = r.Workload.Group;
            if (!r.Result.Ok)
            {
                failures.Add($"[{failures.Count + 1}] {r.Workload.Name} failed: {r.Result.Error}");
                t.Add([group, r.Workload.Variant.Display, $"FAILED [{failures.Count}]"]);
                continue;
            }
            string alloc = r.Result.AllocatedPerMessage is { } a ? a.ToString(a < 10 ? "0.00" : "0", Inv) : "native";
            string cpu = r.Result.CpuMicrosPerMessage is { } c ? c.ToString(c < 10 ? "0.00" : "0.0", Inv) : "-";
            string dagger = r.NetMQIsTcp ? "†" : "";
            string spread = Percent(r.Result.Spread);
            t.Add([group, r.Workload.Variant.Display, .. values(r), alloc, cpu, Times(r.VsLibZmq), Times(r.VsNetMQ) + dagger, spread]);
        }
    }

    public static string Rate(double perSecond) => perSecond switch
    {
        double.NaN => "-",
        >= 1e6 => (perSecond / 1e6).ToString("0.00", Inv) + " M",
        >= 1e3 => (perSecond / 1e3).ToString("0.0", Inv) + " k",
        _ => perSecond.ToString("0", Inv),
    };

    private static string Percent(double? fraction) => fraction is { } f ? (f * 100).ToString("0", Inv) + "%" : "";

    private static string Times(double? ratio) => ratio is { } r ? r.ToString("0.00", Inv) : "-";

    /// <summary>The one-line progress report of a finished workload.</summary>
    public static string Progress(WorkloadResult r)
    {
        if (!r.Ok)
        {
            return $"FAILED: {r.Error}";
        }
        string main = r.Workload.Kind == Kind.Latency && r.Latency is { } l
            ? string.Create(Inv, $"p50 {l.P50Us:0.0} µs, p99 {l.P99Us:0.0} µs")
            : string.Create(Inv, $"{Rate(r.MessagesPerSecond)} msgs/s, {r.MegabytesPerSecond:0.0} MB/s");
        return string.Create(Inv, $"{main} ({r.WallSeconds:0.0} s)");
    }
}

/// <summary>A plain-text table: first two columns left-aligned, numbers right-aligned.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]?> _rows = [];

    public void Add(string[] cells) => _rows.Add(cells);

    public void Separator() => _rows.Add(null);

    public string Render()
    {
        var widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in _rows.OfType<string[]>())
        {
            for (int i = 0; i < row.Length && i < widths.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }
        var sb = new StringBuilder();
        Line(sb, headers, widths);
        sb.AppendLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        foreach (var row in _rows)
        {
            if (row is null)
            {
                sb.AppendLine();
                continue;
            }
            Line(sb, row, widths);
        }
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, string[] cells, int[] widths)
    {
        var parts = new List<string>();
        for (int i = 0; i < cells.Length; i++)
        {
            bool last = i == cells.Length - 1;
            parts.Add(i < 2 ? (last ? cells[i] : cells[i].PadRight(widths[i])) : cells[i].PadLeft(widths[i]));
        }
        sb.AppendLine(string.Join("  ", parts).TrimEnd());
    }
}
