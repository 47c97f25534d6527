using Zmq.Perf;
using Zmq.Perf.Libraries;

namespace Zmq.Perf.Tests;

/// <summary>
/// Keeps bench/Zmq.Perf working: each workload shape runs a few thousand Zmq messages through the
/// harness's own measurement code, and the reference libraries (libzmq through P/Invoke, NetMQ
/// with its default and its pooled buffers) run their throughput and latency paths, so a broken
/// reference fails here rather than in a benchmark run. No timing is asserted (CI machines are
/// too noisy); counts, sizes and the report files are.
/// </summary>
public class PerfHarnessSmokeTests
{
    // No warm-up and a message cap: each run ends after the cap, long before the duration.
    private static readonly Settings Few = new(TimeSpan.Zero, TimeSpan.FromSeconds(60), MaxMessages: 3000);

    /// <summary>A reference variant by id; libzmq's must be installed, not skipped, or CI would
    /// stop checking the reference without anyone noticing.</summary>
    private static Variant Reference(string id)
    {
        var v = Variant.Parse(id);
        Assert.True(v.Library != Library.LibZmq || LibZmqNative.IsAvailable(out _),
            "libzmq.so.5 is not installed; the libzmq reference rows need it: apt-get install libzmq5");
        return v;
    }

    // Through child processes, as a benchmark run does: NetMQ's buffer pool is process-wide, and
    // a child is where the pooled variant sets it up.
    [Theory]
    [InlineData("libzmq-pushpull", "tcp", 2)]
    [InlineData("libzmq-pushpull", "ipc", 2)]
    [InlineData("libzmq-pushpull", "inproc", 1)]
    [InlineData("netmq-cs", "tcp", 2)]
    [InlineData("netmq-cs-pooled", "tcp", 2)]
    [InlineData("netmq-cs-pooled", "tcp", 1)]
    [InlineData("netmq-cs-pooled", "inproc", 1)]
    [InlineData("netmq-pushpull", "tcp", 2)]
    [InlineData("netmq-scattergather", "tcp", 2)]
    [InlineData("zmq-scattergather", "tcp", 2)]
    [InlineData("libzmq-dealerrouter", "tcp", 2)]
    [InlineData("libzmq-dealerrouter", "inproc", 1)]
    [InlineData("netmq-dealerrouter", "tcp", 2)]
    [InlineData("zmq-dealerrouter", "tcp", 2)]
    [InlineData("zmq-dealerrouter", "inproc", 1)]
    [InlineData("libzmq-pushpull-curve", "tcp", 2)]
    [InlineData("zmq-pushpull-curve", "tcp", 2)]
    public void Throughput_ReferenceLibraries_CountEveryMessage(string variant, string transport, int procs)
    {
        var r = Runner.Run(new Workload(Kind.Throughput, transport, 256, Reference(variant), Procs: procs), Few);

        Assert.True(r.Ok, r.Error);
        Assert.Equal(3000, r.Connect!.Messages);
        Assert.Equal(2999, r.Bind!.Messages);
        Assert.Equal(0, r.Bind.Bad);
        Assert.True(r.MessagesPerSecond > 0);
    }

    [Theory]
    [InlineData("libzmq-reqrep", 2)]
    [InlineData("libzmq-reqrep", 1)]
    [InlineData("netmq-reqrep", 1)]
    [InlineData("netmq-cs", 1)]
    [InlineData("netmq-cs-pooled", 2)]
    [InlineData("zmq-reqrep", 2)]
    [InlineData("zmq-reqrep", 1)]
    [InlineData("libzmq-reqrep-curve", 2)]
    [InlineData("zmq-reqrep-curve", 2)]
    public void Latency_ReferenceLibraries_TimeEveryRoundTrip(string variant, int procs)
    {
        var r = Runner.Run(new Workload(Kind.Latency, "tcp", 64, Reference(variant), Procs: procs), Few with { MaxMessages = 500 });

        Assert.True(r.Ok, r.Error);
        Assert.Equal(500, r.Latency!.Count);
        Assert.Equal(0, r.Connect!.Bad + r.Bind!.Bad);
    }

    [Theory]
    [InlineData("libzmq-pubsub")]
    [InlineData("netmq-pubsub-pooled")]
    [InlineData("libzmq-proxy")]
    [InlineData("netmq-proxy")]
    [InlineData("zmq-proxy")]
    [InlineData("netmq-radiodish")]
    [InlineData("zmq-radiodish")]
    public void FanOut_ReferenceLibraries_EverySubscriberCounts(string variant)
    {
        var r = Runner.Run(new Workload(Kind.FanOut, "tcp", 64, Reference(variant), Senders: 2, Procs: 1), new Settings(TimeSpan.Zero, TimeSpan.FromSeconds(0.2)));

        Assert.True(r.Ok, r.Error);
        Assert.True(r.Connect!.Messages > 0, "the subscribers counted nothing");
        Assert.Equal(0, r.Connect.Bad);
    }

    [Fact]
    public void FanOut_RadioToDishOverUdp_TheDishBindsAndCounts()
    {
        var r = Runner.Run(new Workload(Kind.FanOut, "udp", 64, Variant.ZmqRadioDish, Senders: 1, Procs: 2), new Settings(TimeSpan.Zero, TimeSpan.FromSeconds(0.2)));

        Assert.True(r.Ok, r.Error);
        Assert.True(r.Connect!.Messages > 0, "the DISH counted nothing");
        Assert.Equal(0, r.Connect.Bad);
    }

    [Theory]
    [InlineData("libzmq-poll")]
    [InlineData("netmq-poll")]
    [InlineData("zmq-poll")]
    public void Latency_PollerOverManySockets_AnswersEveryRoundTripFromTheActiveOne(string variant)
    {
        var w = new Workload(Kind.Latency, "inproc", 64, Reference(variant), Senders: 50, Procs: 1);
        Assert.Equal("lat poll 1 of 50 inproc 64 B", w.Group);
        var r = Runner.Run(w, Few with { MaxMessages = 500 });

        Assert.True(r.Ok, r.Error);
        Assert.Equal(500, r.Latency!.Count);
        Assert.Equal(0, r.Connect!.Bad + r.Bind!.Bad);
    }

    [Theory]
    [InlineData("Throughput", "libzmq-pushpull")]
    [InlineData("Latency", "libzmq-reqrep")]
    [InlineData("ManyToOne", "libzmq-dealerrouter")]
    public void LibzmqRows_RunOnTheNativePeer_WhereItServesThem(string kindName, string variant)
    {
        var kind = Enum.Parse<Kind>(kindName);
        // .ci/run installs a C compiler and libzmq3-dev, so the native peer must build there: the
        // libzmq column is then libzmq alone, not libzmq behind P/Invoke.
        var w = new Workload(kind, "tcp", 64, Reference(variant), Senders: kind == Kind.ManyToOne ? 3 : 1, Procs: 2);
        Assert.True(NativePeer.Serves(w), "bench/native/perf_peer.c did not build: install gcc and libzmq3-dev");
        var r = Runner.Run(w, Few with { MaxMessages = 500 });

        Assert.True(r.Ok, r.Error);
        Assert.Null(r.AllocatedPerMessage);
        if (kind == Kind.Latency)
        {
            Assert.Equal(500, r.Latency!.Count);
        }
        else
        {
            Assert.Equal(500L * w.Senders, r.Connect!.Messages);
            Assert.Equal(500L * w.Senders - 1, r.Bind!.Messages);
        }
        Assert.Equal(0, r.Bind!.Bad + r.Connect!.Bad);
    }

    [Fact]
    public void PooledNetMQ_WithoutItsProcessSetUp_Refuses()
    {
        // This test process never installs NetMQ's pooling buffer manager, so a pooled socket here
        // would measure the default pool under the pooled name.
        var e = Assert.Throws<InvalidOperationException>(() => Variant.NetMQClientServerPooled.Create(bindSide: true, 64));
        Assert.Contains("Variant.Setup", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ComparesWithTheFasterNetMQ()
    {
        static WorkloadResult Rate(Variant v, long messages) => new(new Workload(Kind.Throughput, "tcp", 64, v),
            new SideResult("receiver", messages, 1, 0, 0.1, 0), new SideResult("sender", messages, 1, 0, 0.1, 0), null, 1);
        var zmq = Rate(Variant.ZmqClientServer, 6000);
        var plain = Rate(Variant.NetMQClientServer, 1000);
        var pooled = Rate(Variant.NetMQClientServerPooled, 2000);

        var rows = Report.Compare([plain, pooled, zmq]);

        Assert.Equal(3.0, rows.Single(r => r.Result == zmq).VsNetMQ);
        Assert.Equal(1.0, rows.Single(r => r.Result == pooled).VsNetMQ);
        Assert.Equal(0.5, rows.Single(r => r.Result == plain).VsNetMQ);
        Assert.Contains("NetMQ CLIENT/SERVER pooled", Report.Tables(rows), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tcp", "zmq-cs")]
    [InlineData("ipc", "zmq-cs")]
    [InlineData("tcp", "zmq-pushpull")]
    [InlineData("inproc", "zmq-pushpull")]
    public void Throughput_InOneProcess_CountsEveryMessage(string transport, string variant)
    {
        var r = InProcess.Run(new Workload(Kind.Throughput, transport, 64, Variant.All.Single(v => v.Id == variant), Procs: 1), Few);

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
    public void FanOut_InOneProcess_EverySubscriberCountsAndStopsAtTheEndMarkers()
    {
        // A publisher cannot be capped by a message count (it drops before subscribers exist), so
        // this one runs for its start-up allowance plus a short window.
        var w = new Workload(Kind.FanOut, "tcp", 64, Variant.ZmqPubSub, Senders: 4, Procs: 1);
        var r = InProcess.Run(w, new Settings(TimeSpan.Zero, TimeSpan.FromSeconds(0.2)));

        Assert.True(r.Ok, r.Error);
        Assert.True(r.Connect!.Messages > 0, "the subscribers counted nothing");
        Assert.Equal(0, r.Connect.Bad);
        Assert.InRange(r.Connect.Messages, 1, 4 * r.Bind!.Messages);
        Assert.Same(r.Connect, r.Measuring);
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
    public void Throughput_OverInproc_CountsEveryMessage()
    {
        var r = Runner.Run(new Workload(Kind.Throughput, "inproc", 64, Variant.ZmqClientServer, Procs: 1), Few);

        Assert.True(r.Ok, r.Error);
        Assert.Equal(3000, r.Connect!.Messages);
        Assert.Equal(2999, r.Bind!.Messages);
        Assert.Equal(0, r.Bind.Bad);
        Assert.Equal("thr inproc 64 B", r.Workload.Group);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("inproc")]
    public void Shared_ThreadsThroughOneSocket_EachEndMarkerCounts(string transport)
    {
        var r = InProcess.Run(new Workload(Kind.Shared, transport, 64, Variant.ZmqClientServer, Senders: 4, Procs: 1), Few with { MaxMessages = 1000 });

        Assert.True(r.Ok, r.Error);
        Assert.Equal(4000, r.Connect!.Messages);
        Assert.Equal(3999, r.Bind!.Messages);
        Assert.Equal(0, r.Bind.Bad);
    }

    [Fact]
    public void Scale_ManyConnections_AllRepliesAndMemoryReported()
    {
        var r = Runner.Run(new Workload(Kind.Scale, "tcp", 64, Variant.ZmqClientServer, Senders: 50), Few);

        Assert.True(r.Ok, r.Error);
        var s = ScaleSummary.Of(r);
        Assert.NotNull(s);
        Assert.Equal(50 * Plan.ScaleTrips, s.Replies);
        Assert.Equal(s.Expected, s.Replies);
        Assert.Equal(0, s.FailedConnections);
        Assert.Equal(50, s.Seen);
        Assert.Equal(50, s.PeersAtIdle);
        Assert.True(double.IsFinite(s.ConnectSeconds) && s.ConnectSeconds > 0);
        Assert.True(s.TotalSeconds >= s.ConnectSeconds);
        Assert.True(double.IsFinite(s.HeapPerConnection));
    }

    [Fact]
    public void Report_ShowsContentionScaleAndLoopback()
    {
        var single = InProcess.Run(new Workload(Kind.Throughput, "inproc", 64, Variant.ZmqClientServer, Procs: 1), Few);
        var shared = InProcess.Run(new Workload(Kind.Shared, "inproc", 64, Variant.ZmqClientServer, Senders: 4, Procs: 1), Few with { MaxMessages = 1000 });
        var big = InProcess.Run(new Workload(Kind.Throughput, "tcp", 65536, Variant.ZmqClientServer, Procs: 1), Few with { MaxMessages = 200 });
        var scale = WorkloadResult.Failed(new Workload(Kind.Scale, "tcp", 64, Variant.ZmqClientServer, Senders: 10), "no clients", 1);

        var pairs = Report.ContentionPairs([single, shared, big]);
        string table = Report.Tables(Report.Compare([single, shared, big, scale]), new LoopbackLimit([900, 1000]));

        var pair = Assert.Single(pairs);
        Assert.Same(single, pair.Single);
        Assert.NotNull(pair.Ratio);
        Assert.Contains("Contention:", table, StringComparison.Ordinal);
        Assert.Contains("1000 MB/s (best of 2 runs, spread 10%)", table, StringComparison.Ordinal);
        Assert.Contains("of loopback", table, StringComparison.Ordinal);
        Assert.Contains("Scale:", table, StringComparison.Ordinal);
        Assert.Contains("no clients", table, StringComparison.Ordinal);
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
        Assert.All(full.Where(w => w.Transport == "inproc"), w => Assert.Equal(1, w.Procs));
        Assert.Contains(quick, w => w is { Kind: Kind.Throughput, Transport: "inproc", Size: 64 } && w.Variant.Library == Library.LibZmq);
        Assert.Contains(quick, w => w.Kind == Kind.Shared && w.Transport == "tcp");
        Assert.DoesNotContain(full, w => w.Kind == Kind.Shared && w.Variant.Library == Library.LibZmq);
        Assert.Contains(quick, w => w.Kind == Kind.Scale && w.Senders == Plan.ScaleConnections(quick: true));
        Assert.Contains(full, w => w.Kind == Kind.Scale && w.Senders == 10_000 && w.Variant.Library == Library.Zmq);
        // NetMQ's reference runs with its default and its pooled buffers wherever it runs.
        Assert.Equal(full.Count(w => w.Variant == Variant.NetMQClientServer), full.Count(w => w.Variant == Variant.NetMQClientServerPooled));
        Assert.Equal(full.Count(w => w.Variant == Variant.NetMQPubSub), full.Count(w => w.Variant == Variant.NetMQPubSubPooled));
        Assert.All(Variant.All, v => Assert.Same(v, Variant.Parse(v.Id)));
    }
}
