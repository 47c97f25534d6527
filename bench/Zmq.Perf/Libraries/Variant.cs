namespace Zmq.Perf.Libraries;

/// <summary>The socket pair a row uses: bind side (receives or echoes) and connect side (sends or asks).</summary>
internal enum Pattern
{
    ClientServer,
    PushPull,
    ReqRep,
    /// <summary>PUB (bind side) to SUBs subscribed to everything (fan-out workload only).</summary>
    PubSub,
    /// <summary>DEALER (connect side) sending to a ROUTER (bind side), which reads past each identity
    /// frame; also libzmq's stand-in for CLIENT/SERVER in the scale workload.</summary>
    DealerRouter,
    /// <summary>A PUB behind an XSUB/XPUB proxy of the same library (bind side: <see cref="ProxiedPublisher"/>)
    /// to SUBs subscribed to everything (fan-out workload only).</summary>
    ProxiedPubSub,
    /// <summary>SCATTER (connect side) to GATHER (bind side): thread-safe PUSH/PULL. libzmq's
    /// packaged build has no draft API: its PUSH/PULL row of the same workload is the reference.</summary>
    ScatterGather,
    /// <summary>RADIO (bind side) to DISHes that joined its one group (fan-out workload only). Over
    /// udp the DISH binds and the RADIO connects: see <see cref="ZmqBenchSocket"/>.</summary>
    RadioDish,
    /// <summary>PAIR round trips (latency workload only) answered by a thread that waits on a poller
    /// over <see cref="Workload.Senders"/> bound PAIRs, one of them connected and the rest idle:
    /// what a wake-up costs as the poller's set grows.</summary>
    PolledPair,
}

internal enum Library
{
    Zmq,
    NetMQ,
    LibZmq,
}

/// <summary>A library with one of its socket patterns: one row of a workload. <paramref name="Pooled"/>
/// (NetMQ only) installs NetMQ's pooling buffer manager in the process before its first socket;
/// <paramref name="Curve"/> runs the pattern over CURVE, the bind side the server (both sides use
/// libzmq's published test keys, so the two processes agree on them).</summary>
internal sealed record Variant(string Id, Library Library, Pattern Pattern, bool Pooled = false, bool Curve = false)
{
    /// <summary>libzmq's test keys (zmq_curve documentation): the server's and the client's pairs, as Z85.</summary>
    public const string CurveServerSecret = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6";
    public const string CurveServerPublic = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    public const string CurveClientSecret = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";
    public const string CurveClientPublic = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";

    public static readonly Variant ZmqClientServer = new("zmq-cs", Library.Zmq, Pattern.ClientServer);
    public static readonly Variant NetMQClientServer = new("netmq-cs", Library.NetMQ, Pattern.ClientServer);
    public static readonly Variant NetMQClientServerPooled = new("netmq-cs-pooled", Library.NetMQ, Pattern.ClientServer, Pooled: true);
    public static readonly Variant NetMQPushPull = new("netmq-pushpull", Library.NetMQ, Pattern.PushPull);
    public static readonly Variant NetMQReqRep = new("netmq-reqrep", Library.NetMQ, Pattern.ReqRep);
    public static readonly Variant LibZmqPushPull = new("libzmq-pushpull", Library.LibZmq, Pattern.PushPull);
    public static readonly Variant LibZmqReqRep = new("libzmq-reqrep", Library.LibZmq, Pattern.ReqRep);
    public static readonly Variant LibZmqDealerRouter = new("libzmq-dealerrouter", Library.LibZmq, Pattern.DealerRouter);
    public static readonly Variant ZmqPushPull = new("zmq-pushpull", Library.Zmq, Pattern.PushPull);
    public static readonly Variant ZmqReqRep = new("zmq-reqrep", Library.Zmq, Pattern.ReqRep);
    public static readonly Variant ZmqDealerRouter = new("zmq-dealerrouter", Library.Zmq, Pattern.DealerRouter);
    public static readonly Variant NetMQDealerRouter = new("netmq-dealerrouter", Library.NetMQ, Pattern.DealerRouter);
    public static readonly Variant ZmqPubSub = new("zmq-pubsub", Library.Zmq, Pattern.PubSub);
    public static readonly Variant NetMQPubSub = new("netmq-pubsub", Library.NetMQ, Pattern.PubSub);
    public static readonly Variant NetMQPubSubPooled = new("netmq-pubsub-pooled", Library.NetMQ, Pattern.PubSub, Pooled: true);
    public static readonly Variant LibZmqPubSub = new("libzmq-pubsub", Library.LibZmq, Pattern.PubSub);
    public static readonly Variant ZmqProxy = new("zmq-proxy", Library.Zmq, Pattern.ProxiedPubSub);
    public static readonly Variant ZmqScatterGather = new("zmq-scattergather", Library.Zmq, Pattern.ScatterGather);
    public static readonly Variant NetMQScatterGather = new("netmq-scattergather", Library.NetMQ, Pattern.ScatterGather);
    public static readonly Variant NetMQProxy = new("netmq-proxy", Library.NetMQ, Pattern.ProxiedPubSub);
    public static readonly Variant LibZmqProxy = new("libzmq-proxy", Library.LibZmq, Pattern.ProxiedPubSub);
    public static readonly Variant ZmqRadioDish = new("zmq-radiodish", Library.Zmq, Pattern.RadioDish);
    public static readonly Variant NetMQRadioDish = new("netmq-radiodish", Library.NetMQ, Pattern.RadioDish);
    public static readonly Variant ZmqPolledPair = new("zmq-poll", Library.Zmq, Pattern.PolledPair);
    public static readonly Variant NetMQPolledPair = new("netmq-poll", Library.NetMQ, Pattern.PolledPair);
    public static readonly Variant LibZmqPolledPair = new("libzmq-poll", Library.LibZmq, Pattern.PolledPair);
    public static readonly Variant ZmqPushPullCurve = new("zmq-pushpull-curve", Library.Zmq, Pattern.PushPull, Curve: true);
    public static readonly Variant LibZmqPushPullCurve = new("libzmq-pushpull-curve", Library.LibZmq, Pattern.PushPull, Curve: true);
    public static readonly Variant ZmqReqRepCurve = new("zmq-reqrep-curve", Library.Zmq, Pattern.ReqRep, Curve: true);
    public static readonly Variant LibZmqReqRepCurve = new("libzmq-reqrep-curve", Library.LibZmq, Pattern.ReqRep, Curve: true);

    public static readonly IReadOnlyList<Variant> All =
        [LibZmqPushPull, LibZmqReqRep, LibZmqDealerRouter, LibZmqPubSub, NetMQClientServer, NetMQClientServerPooled, NetMQPushPull, NetMQReqRep,
            NetMQDealerRouter, NetMQPubSub, NetMQPubSubPooled, ZmqClientServer, ZmqPushPull, ZmqReqRep, ZmqDealerRouter, ZmqPubSub,
            LibZmqProxy, NetMQProxy, ZmqProxy, NetMQScatterGather, ZmqScatterGather, ZmqRadioDish, NetMQRadioDish,
            ZmqPolledPair, NetMQPolledPair, LibZmqPolledPair, ZmqPushPullCurve, LibZmqPushPullCurve, ZmqReqRepCurve, LibZmqReqRepCurve];

    public string LibraryName => Library switch
    {
        Library.Zmq => "Zmq",
        Library.NetMQ => "NetMQ",
        _ => "libzmq",
    };

    public string PatternName => Pattern switch
    {
        Pattern.ClientServer => "CLIENT/SERVER",
        Pattern.PushPull => "PUSH/PULL",
        Pattern.DealerRouter => "DEALER/ROUTER",
        Pattern.PubSub => "PUB/SUB",
        Pattern.ProxiedPubSub => "XSUB/XPUB proxy",
        Pattern.ScatterGather => "SCATTER/GATHER",
        Pattern.RadioDish => "RADIO/DISH",
        Pattern.PolledPair => "PAIR + poller",
        _ => "REQ/REP",
    };

    public string Display => Pooled ? $"{LibraryName} {PatternName} pooled" : Curve ? $"{LibraryName} {PatternName} CURVE" : $"{LibraryName} {PatternName}";

    public static Variant Parse(string id) =>
        All.FirstOrDefault(v => v.Id == id) ?? throw new ArgumentException($"unknown variant '{id}' (known: {string.Join(", ", All.Select(v => v.Id))})");

    /// <summary>Process-wide set-up before the first socket; the harness's child processes call it
    /// (NetMQ's buffer pool is one per process, so a pooled row needs a process of its own).</summary>
    public void Setup()
    {
        if (Pooled)
        {
            NetMQBenchSocket.UseBufferManagerPool();
        }
    }

    /// <summary>Creates a socket; <paramref name="bindSide"/> picks SERVER/PULL/REP over CLIENT/PUSH/REQ,
    /// and <paramref name="size"/> is the row's message size. For <see cref="Pattern.PolledPair"/>
    /// the bind side is <paramref name="polled"/> PAIRs behind a poller.</summary>
    public IBenchSocket Create(bool bindSide, int size, int polled = 1)
    {
        if (Pattern == Pattern.PolledPair && bindSide)
        {
            return Library switch
            {
                Library.Zmq => new ZmqPolledEcho(polled),
                Library.NetMQ => new NetMQPolledEcho(polled),
                _ => new LibZmqPolledEcho(polled),
            };
        }
        if (Pattern == Pattern.ProxiedPubSub)
        {
            // The publisher behind the proxy, or a subscriber in front of it.
            var plain = this with { Pattern = Pattern.PubSub };
            return bindSide ? new ProxiedPublisher(NewProxy(), plain.Create(bindSide: true, size)) : plain.Create(bindSide: false, size);
        }
        return Library switch
        {
            Library.Zmq => new ZmqBenchSocket(Pattern, bindSide, size, Curve),
            Library.NetMQ => NetMQBenchSocket.Create(Pattern, bindSide, Pooled),
            _ => new LibZmqBenchSocket(Pattern, bindSide, Curve),
        };
    }

    private IBenchProxy NewProxy() => Library switch
    {
        Library.Zmq => new ZmqBenchProxy(),
        Library.NetMQ => new NetMQBenchProxy(),
        _ => new LibZmqBenchProxy(),
    };

    /// <summary>Process-wide clean-up after the last socket of the library is closed.</summary>
    public void Shutdown()
    {
        switch (Library)
        {
            case Library.NetMQ:
                NetMQBenchSocket.Shutdown();
                break;
            case Library.LibZmq:
                LibZmqBenchSocket.Shutdown();
                break;
        }
    }
}
