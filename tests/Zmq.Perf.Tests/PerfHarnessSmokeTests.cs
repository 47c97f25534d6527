using Zmq.Perf;
using Zmq.Perf.Libraries;

namespace Zmq.Perf.Tests;

/// <summary>
/// Keeps bench/Zmq.Perf working: each workload shape runs a few thousand Zmq messages through the
/// harness's own measurement code. No timing is asserted (CI machines are too noisy); counts,
/// sizes and the report files are.
/// </summary>
public class PerfHarnessSmokeTests
{
    // No warm-up and a message cap: each run ends after the cap, long before the duration.
    private static readonly Settings Few = new(TimeSpan.Zero, TimeSpan.FromSeconds(60), MaxMessages: 3000);

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public void Throughput_InOneProcess_CountsEveryMessage(string transport)
    {
        var r = InProcess.Run(new Workload(Kind.Throughput, transport, 64, Variant.ZmqClientServer, Procs: 1), Few);

        Assert.True(r.Ok, r.Error);
        Assert.Equal(3000, r.Connect!.Messages);
        // The receiver's clock starts at the first message, as libzmq's local_thr does.
        Assert.Equal(2999, r.Bind!.Messages);
        Assert.Equal(0, r.Bind.Bad);
        Assert.True(r.MessagesPerSecond > 0);
        Assert.NotNull(r.AllocatedPerMessage);
        Assert.NotNull(r.CpuMicrosPerMessage);
    }

    [Fact]
    public void Latency_InOneProcess_TimesEveryRoundTrip()
    {
        var r = InProcess.Run(new Workload(Kind.Latency, "tcp", 1024, Variant.ZmqClientServer, Procs: 1), Few with { MaxMessages = 500 });

        Assert.True(r.Ok, r.Error);
        Assert.Equal(500, r.Latency!.Count);
        Assert.True(r.Latency.MinUs <= r.Latency.P50Us && r.Latency.P50Us <= r.Latency.P99Us && r.Latency.P99Us <= r.Latency.MaxUs);
        Assert.Equal(0, r.Connect!.Bad + r.Bind!.Bad);
    }

    [Fact]
    public void ManyToOne_InOneProcess_WaitsForEverySender()
    {
        var r = InProcess.Run(new Workload(Kind.ManyToOne, "tcp", 64, Variant.ZmqClientServer, Senders: 4, Procs: 1), Few with { MaxMessages = 1000 });

        Assert.True(r.Ok, r.Error);
        Assert.Equal(4000, r.Connect!.Messages);
        Assert.Equal(3999, r.Bind!.Messages);
    }

    [Fact]
    public void Throughput_InTwoProcesses_RunsTheHarnessAsChildren()
    {
        var r = Runner.Run(new Workload(Kind.Throughput, "tcp", 256, Variant.ZmqClientServer), Few);

        Assert.True(r.Ok, r.Error);
        Assert.Equal(3000, r.Connect!.Messages);
        Assert.Equal(2999, r.Bind!.Messages);
    }

    [Fact]
    public void Report_WritesTableCsvJsonAndChart()
    {
        var results = new List<WorkloadResult>
        {
            InProcess.Run(new Workload(Kind.Throughput, "tcp", 64, Variant.ZmqClientServer, Procs: 1), Few),
            InProcess.Run(new Workload(Kind.Throughput, "tcp", 1024, Variant.ZmqClientServer, Procs: 1), Few),
            WorkloadResult.Failed(new Workload(Kind.Throughput, "tcp", 64, Variant.LibZmqPushPull, Procs: 1), "stuck", 1),
        };
        string folder = Path.Combine(Path.GetTempPath(), "zmq-perf-smoke-" + Guid.NewGuid().ToString("N"));
        try
        {
            var rows = Report.Compare(results);
            string table = Report.Tables(rows);
            ResultFiles.Write(folder, new RunInfo(DateTimeOffset.Now, "test", Few, null, "n/a", 1), rows, table);

            Assert.Contains("Zmq CLIENT/SERVER", table, StringComparison.Ordinal);
            Assert.Contains("FAILED [1]", table, StringComparison.Ordinal);
            Assert.Contains("stuck", table, StringComparison.Ordinal);
            Assert.Equal(4, File.ReadAllLines(Path.Combine(folder, "results.csv")).Length);
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json")));
            Assert.Equal(3, json.RootElement.GetProperty("results").GetArrayLength());
            Assert.Contains("<polyline", File.ReadAllText(Path.Combine(folder, "throughput.svg")), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Plan_LeavesNetMQOutOfIpc_AndQuickIsSmaller()
    {
        var full = Plan.Build(quick: false, [2]);
        var quick = Plan.Build(quick: true, [2]);

        Assert.DoesNotContain(full, w => w.Transport == "ipc" && w.Variant.Library == Library.NetMQ);
        Assert.True(quick.Count < full.Count);
        Assert.Contains(full, w => w.Kind == Kind.ManyToOne && w.Senders == Plan.ManySenders);
    }
}
