using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>Which workloads a run measures, in what order.</summary>
internal static class Plan
{
    public const int ManySenders = 16;

    /// <summary>Threads sharing one socket in the contention workload.</summary>
    public const int SharingThreads = 4;

    /// <summary>Round trips each connection of the scale workload makes.</summary>
    public const int ScaleTrips = 10;

    public static int ScaleConnections(bool quick) => quick ? 1_000 : 10_000;

    /// <summary>libzmq's classic sockets are not thread-safe, so only the CLIENTs can be shared.</summary>
    private static readonly Variant[] SharedVariants = [Variant.NetMQClientServer, Variant.NetMQClientServerPooled, Variant.ZmqClientServer];

    /// <summary>NetMQ's references (CLIENT/SERVER, and PUB/SUB for fan-out) run with its default
    /// buffer pool and with its pooling one, so ×NetMQ can compare with the faster of the two.</summary>
    private static readonly Variant[] StreamVariants = [Variant.LibZmqPushPull, Variant.NetMQClientServer, Variant.NetMQClientServerPooled, Variant.NetMQPushPull, Variant.ZmqClientServer, Variant.ZmqPushPull];
    private static readonly Variant[] FanOutVariants = [Variant.LibZmqPubSub, Variant.NetMQPubSub, Variant.NetMQPubSubPooled, Variant.ZmqPubSub];

    /// <summary>RADIO → DISHes join the 64 B fan-out group: libzmq's PUB/SUB is their libzmq
    /// reference (its packaged build has no draft API), NetMQ's RADIO/DISH their NetMQ one.</summary>
    private static readonly Variant[] RadioVariants = [Variant.NetMQRadioDish, Variant.ZmqRadioDish];

    /// <summary>The poller rows: one active PAIR among this many polled (the idle ones bound, unconnected).</summary>
    public static readonly int[] PolledSockets = [1, 1_000];

    private static readonly Variant[] PollVariants = [Variant.LibZmqPolledPair, Variant.NetMQPolledPair, Variant.ZmqPolledPair];

    /// <summary>PUB → XSUB/XPUB proxy → SUB, each library's own proxy: the forwarder's cost.</summary>
    private static readonly Variant[] ProxyVariants = [Variant.LibZmqProxy, Variant.NetMQProxy, Variant.ZmqProxy];

    /// <summary>Subscribers of the fan-out workload.</summary>
    public const int Subscribers = 10;

    private static readonly Variant[] LatencyVariants = [Variant.LibZmqReqRep, Variant.NetMQReqRep, Variant.NetMQClientServer, Variant.NetMQClientServerPooled, Variant.ZmqClientServer, Variant.ZmqReqRep];

    /// <summary>DEALER → ROUTER, the classic broker's inbound leg, at 64 B only (one size tells the
    /// cost of the identity frame).</summary>
    private static readonly Variant[] DealerRouterVariants = [Variant.LibZmqDealerRouter, Variant.NetMQDealerRouter, Variant.ZmqDealerRouter];

    public static Settings SettingsFor(bool quick) => quick
        ? new Settings(TimeSpan.FromSeconds(0.4), TimeSpan.FromSeconds(1.5))
        : new Settings(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(2.5));

    /// <summary>
    /// All libraries of one workload run back to back, so slow drifts of this shared VM hit them
    /// alike. NetMQ is left out over ipc: its ipc:// is TCP on a port derived from a per-process
    /// randomised string hash, so it cannot even connect across processes.
    /// </summary>
    public static List<Workload> Build(bool quick, IReadOnlyList<int> procs)
    {
        int[] tcpSizes = quick ? [64, 1024, 65536] : [16, 64, 256, 1024, 8192, 65536];
        int[] ipcSizes = quick ? [64, 65536] : tcpSizes;
        int[] latencySizes = quick ? [64] : [64, 1024];
        string[] manyTransports = quick ? ["tcp"] : ["tcp", "ipc"];

        var plan = new List<Workload>();
        foreach (int p in procs)
        {
            foreach (var (transport, sizes) in new[] { ("tcp", tcpSizes), ("ipc", ipcSizes) })
            {
                foreach (int size in sizes)
                {
                    Add(plan, Kind.Throughput, transport, size, StreamVariants, 1, p);
                }
            }
            foreach (string transport in new[] { "tcp", "ipc" })
            {
                Add(plan, Kind.Throughput, transport, 64, DealerRouterVariants, 1, p);
            }
            // SCATTER → GATHER joins the thr tcp 64 B group: libzmq's PUSH/PULL is its reference.
            Add(plan, Kind.Throughput, "tcp", 64, [Variant.NetMQScatterGather, Variant.ZmqScatterGather], 1, p);
            foreach (string transport in new[] { "tcp", "ipc" })
            {
                foreach (int size in latencySizes)
                {
                    Add(plan, Kind.Latency, transport, size, LatencyVariants, 1, p);
                }
            }
            foreach (string transport in manyTransports)
            {
                Add(plan, Kind.ManyToOne, transport, 64, StreamVariants, ManySenders, p);
            }
            Add(plan, Kind.Shared, "tcp", 64, SharedVariants, SharingThreads, p);
            // 1 KiB: above the inline size, where a publisher either copies per subscriber or shares.
            foreach (int size in quick ? [64] : new[] { 64, 1024 })
            {
                Add(plan, Kind.FanOut, "tcp", size, FanOutVariants, Subscribers, p);
            }
            Add(plan, Kind.FanOut, "tcp", 64, RadioVariants, Subscribers, p);
            Add(plan, Kind.FanOut, "tcp", 64, ProxyVariants, 1, p);
            // udp: Zmq alone (libzmq's packaged build has no RADIO/DISH, NetMQ no udp); its tcp 1→1
            // twin beside it tells what the datagram path costs or saves.
            Add(plan, Kind.FanOut, "udp", 64, [Variant.ZmqRadioDish], 1, p);
            Add(plan, Kind.FanOut, "tcp", 64, [Variant.ZmqRadioDish], 1, p);
            // CURVE: libzmq's rows through P/Invoke (its C peer has no CURVE); the cryptography dominates.
            foreach (int size in quick ? [64] : new[] { 64, 1024 })
            {
                Add(plan, Kind.Throughput, "tcp", size, [Variant.LibZmqPushPullCurve, Variant.ZmqPushPullCurve], 1, p);
            }
            Add(plan, Kind.Latency, "tcp", 64, [Variant.LibZmqReqRepCurve, Variant.ZmqReqRepCurve], 1, p);
        }

        // inproc cannot span processes, so these rows are one-process whatever --procs says.
        foreach (int size in quick ? [64] : new[] { 64, 1024 })
        {
            Add(plan, Kind.Throughput, "inproc", size, StreamVariants, 1, 1);
        }
        Add(plan, Kind.Throughput, "inproc", 64, DealerRouterVariants, 1, 1);
        Add(plan, Kind.Shared, "inproc", 64, SharedVariants, SharingThreads, 1);
        foreach (int polled in PolledSockets)
        {
            Add(plan, Kind.Latency, "inproc", 64, PollVariants, polled, 1);
        }
        Add(plan, Kind.Scale, "tcp", 64, [Variant.LibZmqDealerRouter, Variant.ZmqClientServer], ScaleConnections(quick), 2);
        return plan;
    }

    private static void Add(List<Workload> plan, Kind kind, string transport, int size, Variant[] variants, int senders, int procs)
    {
        foreach (var v in variants)
        {
            if (transport == "ipc" && v.Library == Library.NetMQ)
            {
                continue;
            }
            plan.Add(new Workload(kind, transport, size, v, senders, procs));
        }
    }
}
