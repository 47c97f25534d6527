using System.Globalization;
using System.Text;
using System.Text.Json;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>Facts about the run that the numbers depend on, written with the results.</summary>
internal sealed record RunInfo(DateTimeOffset Started, string Mode, Settings Settings, string? LibZmqVersion, string NetMQVersion, double WallSeconds, int Repeat = 1, LoopbackLimit? Loopback = null);

/// <summary>The CSV, JSON and SVG files of a run.</summary>
internal static class ResultFiles
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly string[] Columns =
    [
        "workload", "kind", "transport", "size", "senders", "procs", "library", "pattern", "status", "error",
        "msgs_per_s", "mb_per_s", "lat_mean_us", "lat_p50_us", "lat_p99_us", "lat_min_us", "lat_max_us", "lat_samples",
        "alloc_b_per_msg", "cpu_us_per_msg", "vs_libzmq", "vs_netmq", "vs_netmq_is_tcp",
        "bind_msgs", "bind_s", "bind_alloc_b", "bind_cpu_s", "connect_msgs", "connect_s", "connect_alloc_b", "connect_cpu_s", "wall_s", "runs", "run_values", "spread",
        "vs_one_thread", "scale_connections", "scale_replies", "scale_failed_connections", "scale_connect_s", "scale_total_s",
        "scale_heap_b_per_conn", "scale_ws_b_per_conn", "scale_fd_limit_server", "scale_fd_limit_clients",
    ];

    public static void Write(string folder, RunInfo info, List<Row> rows, string table)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "results.csv"), Csv(rows));
        File.WriteAllText(Path.Combine(folder, "results.json"), Json(info, rows));
        File.WriteAllText(Path.Combine(folder, "throughput.svg"), Chart.Svg(info, rows));
        File.WriteAllText(Path.Combine(folder, "table.txt"), table);
    }

    private static object?[] Values(Row row, List<Row> rows)
    {
        var r = row.Result;
        var sc = ScaleSummary.Of(r);
        var w = r.Workload;
        var l = r.Latency;
        return
        [
            w.Group, w.Kind.ToString(), w.Transport, w.Size, w.Senders, w.Procs, w.Variant.LibraryName, w.Variant.PatternName,
            r.Ok ? "ok" : "failed", r.Error,
            Num(r.MessagesPerSecond), Num(r.MegabytesPerSecond), l?.MeanUs, l?.P50Us, l?.P99Us, l?.MinUs, l?.MaxUs, l?.Count,
            r.AllocatedPerMessage, r.CpuMicrosPerMessage, row.VsLibZmq, row.VsNetMQ, row.NetMQIsTcp,
            r.Bind?.Messages, r.Bind?.Seconds, r.Bind?.Allocated, r.Bind?.CpuSeconds,
            r.Connect?.Messages, r.Connect?.Seconds, r.Connect?.Allocated, r.Connect?.CpuSeconds, r.WallSeconds,
            r.RunHeadlines.Count, string.Join(';', r.RunHeadlines.Select(v => v.ToString("0.###", Inv))), r.Spread,
            w.Kind == Kind.Shared ? Report.ContentionPairs(rows.Select(x => x.Result)).FirstOrDefault(p => p.Shared == r).Ratio : null,
            sc?.Connections, sc?.Replies, sc?.FailedConnections, sc is null ? null : Num(sc.ConnectSeconds), sc?.TotalSeconds,
            sc?.HeapPerConnection, sc?.WorkingSetPerConnection, sc?.ServerFdLimit, sc?.ClientFdLimit,
        ];
    }

    private static double? Num(double v) => double.IsFinite(v) ? v : null;

    private static string Csv(List<Row> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(',', Columns));
        foreach (var row in rows)
        {
            sb.AppendLine(string.Join(',', Values(row, rows).Select(CsvCell)));
        }
        return sb.ToString();
    }

    private static string CsvCell(object? v) => v switch
    {
        null => "",
        double d => d.ToString("R", Inv),
        bool b => b ? "true" : "false",
        string s when s.Contains(',', StringComparison.Ordinal) || s.Contains('"', StringComparison.Ordinal) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
        IFormattable f => f.ToString(null, Inv),
        _ => v.ToString() ?? "",
    };

    private static string Json(RunInfo info, List<Row> rows)
    {
        using var stream = new MemoryStream();
        using (var j = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            j.WriteStartObject();
            j.WriteStartObject("run");
            j.WriteString("started", info.Started);
            j.WriteString("mode", info.Mode);
            j.WriteNumber("warmup_s", info.Settings.Warmup.TotalSeconds);
            j.WriteNumber("duration_s", info.Settings.Duration.TotalSeconds);
            j.WriteNumber("wall_s", info.WallSeconds);
            j.WriteNumber("repeat", info.Repeat);
            j.WriteNumber("processors", Environment.ProcessorCount);
            j.WriteString("os", System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            j.WriteString("dotnet", Environment.Version.ToString());
            j.WriteString("libzmq", info.LibZmqVersion);
            j.WriteString("netmq", info.NetMQVersion);
            if (info.Loopback is { } loop)
            {
                if (loop.MegabytesPerSecond is { } mb)
                {
                    j.WriteNumber("loopback_mb_per_s", mb);
                }
                else
                {
                    j.WriteNull("loopback_mb_per_s");
                }
                j.WriteStartArray("loopback_runs_mb_per_s");
                foreach (double sample in loop.Samples)
                {
                    j.WriteNumberValue(sample);
                }
                j.WriteEndArray();
                if (loop.Spread is { } spread)
                {
                    j.WriteNumber("loopback_spread", spread);
                }
                j.WriteString("loopback_note", loop.Note);
            }
            j.WriteEndObject();
            j.WriteStartArray("results");
            foreach (var row in rows)
            {
                j.WriteStartObject();
                var values = Values(row, rows);
                for (int i = 0; i < Columns.Length; i++)
                {
                    switch (values[i])
                    {
                        case null:
                            j.WriteNull(Columns[i]);
                            break;
                        case string s:
                            j.WriteString(Columns[i], s);
                            break;
                        case bool b:
                            j.WriteBoolean(Columns[i], b);
                            break;
                        case double d:
                            j.WriteNumber(Columns[i], d);
                            break;
                        case int n:
                            j.WriteNumber(Columns[i], n);
                            break;
                        case long n:
                            j.WriteNumber(Columns[i], n);
                            break;
                        default:
                            j.WriteString(Columns[i], Convert.ToString(values[i], Inv));
                            break;
                    }
                }
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

/// <summary>Throughput against message size, one line per library, log-log: msgs/s above, MB/s
/// below, tcp left, ipc right. Hand-written SVG so it opens in any browser.</summary>
internal static class Chart
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly (Variant Variant, string Color, string Dash)[] Series =
    [
        (Variant.LibZmqPushPull, "#1f77b4", ""),
        (Variant.NetMQClientServer, "#ff7f0e", ""),
        (Variant.NetMQClientServerPooled, "#d62728", ""),
        (Variant.NetMQPushPull, "#ff7f0e", "6,4"),
        (Variant.ZmqClientServer, "#2ca02c", ""),
        (Variant.ZmqPushPull, "#2ca02c", "6,4"),
    ];

    private const int PanelW = 460;
    private const int PanelH = 300;
    private const int Left = 70;
    private const int Top = 105;
    private const int GapX = 90;
    private const int GapY = 70;

    public static string Svg(RunInfo info, List<Row> rows)
    {
        var thr = rows.Where(r => r.Result.Ok && r.Workload.Kind == Kind.Throughput && r.Workload.Transport != "inproc").ToList();
        int procs = thr.Count > 0 ? thr.Max(r => r.Workload.Procs) : 2;
        thr = thr.Where(r => r.Workload.Procs == procs).ToList();
        int width = Left + 2 * PanelW + GapX + 30;
        int height = Top + 2 * PanelH + GapY + 60;
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        sb.AppendLine(string.Create(Inv, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>"));
        sb.AppendLine(string.Create(Inv, $"<text x=\"{Left}\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Throughput vs message size ({(procs == 1 ? "one process" : "sender and receiver in separate processes")})</text>"));
        sb.AppendLine(string.Create(Inv, $"<text x=\"{Left}\" y=\"42\" fill=\"#555\">{Esc(info.Started.ToString("u", Inv))}, {info.Mode} mode, {Environment.ProcessorCount} cores; NetMQ has no ipc (its ipc:// is TCP), so it is absent on the right</text>"));
        int lx = Left;
        foreach (var (variant, color, dash) in Series)
        {
            sb.AppendLine(string.Create(Inv, $"<line x1=\"{lx}\" y1=\"60\" x2=\"{lx + 28}\" y2=\"60\" stroke=\"{color}\" stroke-width=\"2.5\" stroke-dasharray=\"{dash}\"/>"));
            sb.AppendLine(string.Create(Inv, $"<text x=\"{lx + 34}\" y=\"64\">{Esc(variant.Display)}</text>"));
            lx += 60 + variant.Display.Length * 7;
        }
        string[] transports = ["tcp", "ipc"];
        for (int col = 0; col < 2; col++)
        {
            for (int row = 0; row < 2; row++)
            {
                bool bytes = row == 1;
                var data = thr.Where(r => r.Workload.Transport == transports[col]).ToList();
                Panel(sb, Left + col * (PanelW + GapX), Top + row * (PanelH + GapY), data, thr, bytes, $"{transports[col]}: {(bytes ? "MB/s" : "messages/s")}");
            }
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    private static void Panel(StringBuilder sb, int x0, int y0, List<Row> data, List<Row> all, bool bytes, string title)
    {
        double Value(Row r) => bytes ? r.Result.MegabytesPerSecond : r.Result.MessagesPerSecond;
        // Both transports share the scales, so the panels can be compared by eye.
        var values = all.Select(Value).Where(v => v > 0 && double.IsFinite(v)).ToList();
        var sizes = all.Select(r => r.Workload.Size).Distinct().Order().ToList();
        double yMin = values.Count > 0 ? Math.Floor(Math.Log10(values.Min())) : 0;
        double yMax = values.Count > 0 ? Math.Ceiling(Math.Log10(values.Max())) : 1;
        if (yMax <= yMin)
        {
            yMax = yMin + 1;
        }
        double xMin = sizes.Count > 0 ? Math.Log2(sizes[0]) : 4;
        double xMax = sizes.Count > 1 ? Math.Log2(sizes[^1]) : xMin + 1;
        double X(int size) => x0 + (Math.Log2(size) - xMin) / (xMax - xMin) * PanelW;
        double Y(double v) => y0 + PanelH - (Math.Log10(v) - yMin) / (yMax - yMin) * PanelH;

        sb.AppendLine(string.Create(Inv, $"<text x=\"{x0}\" y=\"{y0 - 8}\" font-weight=\"bold\">{Esc(title)}</text>"));
        sb.AppendLine(string.Create(Inv, $"<rect x=\"{x0}\" y=\"{y0}\" width=\"{PanelW}\" height=\"{PanelH}\" fill=\"none\" stroke=\"#999\"/>"));
        for (double d = yMin; d <= yMax; d++)
        {
            double y = Y(Math.Pow(10, d));
            sb.AppendLine(string.Create(Inv, $"<line x1=\"{x0}\" y1=\"{y:0.0}\" x2=\"{x0 + PanelW}\" y2=\"{y:0.0}\" stroke=\"#e5e5e5\"/>"));
            sb.AppendLine(string.Create(Inv, $"<text x=\"{x0 - 6}\" y=\"{y + 4:0.0}\" text-anchor=\"end\">{Esc(Decade(d))}</text>"));
        }
        foreach (int size in sizes)
        {
            double x = X(size);
            sb.AppendLine(string.Create(Inv, $"<line x1=\"{x:0.0}\" y1=\"{y0}\" x2=\"{x:0.0}\" y2=\"{y0 + PanelH}\" stroke=\"#e5e5e5\"/>"));
            sb.AppendLine(string.Create(Inv, $"<text x=\"{x:0.0}\" y=\"{y0 + PanelH + 16}\" text-anchor=\"middle\">{Esc(Workload.SizeName(size))}</text>"));
        }
        sb.AppendLine(string.Create(Inv, $"<text x=\"{x0 + PanelW / 2}\" y=\"{y0 + PanelH + 34}\" text-anchor=\"middle\" fill=\"#555\">message size (log scale)</text>"));
        foreach (var (variant, color, dash) in Series)
        {
            var points = data.Where(r => r.Workload.Variant == variant && Value(r) > 0).OrderBy(r => r.Workload.Size)
                .Select(r => (X: X(r.Workload.Size), Y: Y(Value(r)))).ToList();
            if (points.Count == 0)
            {
                continue;
            }
            string path = string.Join(' ', points.Select(p => string.Create(Inv, $"{p.X:0.0},{p.Y:0.0}")));
            sb.AppendLine(string.Create(Inv, $"<polyline points=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\" stroke-dasharray=\"{dash}\"/>"));
            foreach (var p in points)
            {
                sb.AppendLine(string.Create(Inv, $"<circle cx=\"{p.X:0.0}\" cy=\"{p.Y:0.0}\" r=\"3.5\" fill=\"{color}\"/>"));
            }
        }
    }

    private static string Decade(double d) => d switch
    {
        >= 9 => $"{Math.Pow(10, d - 9).ToString("0", Inv)}G",
        >= 6 => $"{Math.Pow(10, d - 6).ToString("0", Inv)}M",
        >= 3 => $"{Math.Pow(10, d - 3).ToString("0", Inv)}k",
        >= 0 => Math.Pow(10, d).ToString("0", Inv),
        _ => Math.Pow(10, d).ToString("0.###", Inv),
    };

    private static string Esc(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
