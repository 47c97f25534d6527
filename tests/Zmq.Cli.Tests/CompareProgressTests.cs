using Zmq.Cli;

namespace Zmq.Cli.Tests;

/// <summary>perf --compare's progress, fed the lines bench/Zmq.Perf prints (the benchmark itself is not run).</summary>
public class CompareProgressTests
{
    private const string ClearLine = "\r\u001b[K";
    private const string Header = "Zmq.Perf quick: 2 workloads × 1 run(s), 0.4 s warm-up + 1.5 s measured each; libzmq 4.3.4, NetMQ 4.0.4.5, .NET 10.0.0, 2 cores\n";
    private const string FirstRow = "[1/2] thr tcp 64 B Zmq CLIENT/SERVER  ";
    private const string FirstResult = "20.00 M msgs/s, 1280.0 MB/s (1.9 s)\n";
    private const string SecondRow = "[2/2] thr tcp 64 B libzmq PUSH/PULL    ";
    private const string SecondResult = "FAILED: timed out\n";
    private const string Tail = "\nResults: /r (results.csv, results.json, throughput.svg, table.txt)\n";

    private static readonly string[] Chunks = ["Building...\n", Header, FirstRow, FirstResult, SecondRow, SecondResult, Tail];

    private static CompareRelay Relay(StringWriter stdout, StringWriter stderr, bool inPlace, int width = 200) =>
        new(stdout, stderr, inPlace, () => TimeSpan.FromSeconds(65), width);

    [Fact]
    public void Redirected_stderr_gets_one_line_per_finished_row_and_stdout_is_unchanged()
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var relay = Relay(stdout, stderr, inPlace: false);

        relay.Feed(Chunks[0] + Chunks[1]);
        relay.Feed(FirstRow);
        Assert.EndsWith(FirstRow, stdout.ToString(), StringComparison.Ordinal);
        foreach (string chunk in Chunks.Skip(3))
        {
            relay.Feed(chunk);
        }
        relay.Finish();

        Assert.Equal(string.Concat(Chunks), stdout.ToString());
        Assert.Equal("perf --compare: 1/2 rows done, 1:05 elapsed\nperf --compare: 2/2 rows done, 1:05 elapsed\n", stderr.ToString());
    }

    [Fact]
    public void Terminal_stderr_shows_the_running_row_in_place_and_is_cleared_at_the_end()
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var relay = Relay(stdout, stderr, inPlace: true);

        relay.Feed(Chunks[0]);
        Assert.Equal("perf --compare: building and starting the benchmark, 1:05 elapsed", Shown(stderr));
        relay.Feed(Header + FirstRow);
        Assert.Equal("perf --compare: 0/2 rows done, 1:05 elapsed, measuring thr tcp 64 B Zmq CLIENT/SERVER", Shown(stderr));
        // The announced row stays off stdout until its result completes the line.
        Assert.Equal("Building...\n" + Header, stdout.ToString());
        relay.Feed(FirstResult + SecondRow);
        Assert.Equal("perf --compare: 1/2 rows done, 1:05 elapsed, measuring thr tcp 64 B libzmq PUSH/PULL", Shown(stderr));
        relay.Feed(SecondResult + Tail);
        relay.Finish();
        relay.Redraw();

        Assert.Equal(string.Concat(Chunks), stdout.ToString());
        Assert.EndsWith(ClearLine, stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', stderr.ToString());
        Assert.Equal(2, relay.Progress.Done);
    }

    [Fact]
    public void A_progress_line_never_outgrows_the_terminal()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var relay = Relay(stdout, stderr, inPlace: true, width: 40);

        relay.Feed(Header + FirstRow);

        Assert.InRange(Shown(stderr).Length, 1, 39);
    }

    [Fact]
    public void Rounds_count_every_row_of_every_round()
    {
        var p = new CompareProgress();

        p.OnLine("Zmq.Perf full: 40 workloads × 2 run(s), 0.5 s warm-up + 2.5 s measured each");
        Assert.Equal(80, p.Total);
        Assert.True(p.OnLine("[round 2/2  3/40] lat tcp 64 B Zmq CLIENT/SERVER   p50 60.0 µs, p99 139.6 µs (3.1 s)"));
        Assert.False(p.OnLine("[round 2/2 loopback] iperf3 3511 MB/s"));
        p.OnPartial("[round 2/2  4/40] lat tcp 64 B libzmq REQ/REP     ");

        Assert.Equal(43, p.Done);
        Assert.Equal(80, p.Total);
        Assert.Equal("lat tcp 64 B libzmq REQ/REP", p.Running);
        Assert.Equal("perf --compare: 43/80 rows done, 1:02:03 elapsed, measuring lat tcp 64 B libzmq REQ/REP", p.Format(new TimeSpan(1, 2, 3)));
    }

    [Fact]
    public void The_end_names_the_table_and_the_chart_the_run_wrote()
    {
        string folder = Path.Combine(Path.GetTempPath(), "zmq-compare-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var none = new StringWriter();
            CompareCommand.PrintResultFiles(folder, none);
            Assert.Equal("", none.ToString());

            File.WriteAllText(Path.Combine(folder, "table.txt"), "");
            File.WriteAllText(Path.Combine(folder, "throughput.svg"), "");
            using var both = new StringWriter { NewLine = "\n" };
            CompareCommand.PrintResultFiles(folder, both);
            Assert.Equal($"table: {Path.Combine(folder, "table.txt")}\nchart: {Path.Combine(folder, "throughput.svg")}\n", both.ToString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>What a terminal would show now: the text after the last clear-line.</summary>
    private static string Shown(StringWriter stderr)
    {
        string s = stderr.ToString();
        int at = s.LastIndexOf(ClearLine, StringComparison.Ordinal);
        Assert.True(at >= 0, "no progress line drawn");
        return s[(at + ClearLine.Length)..];
    }
}
