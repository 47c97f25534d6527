using System.Globalization;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

internal enum Kind
{
    /// <summary>One sender streams to one receiver; counted at the receiver (libzmq's local_thr/remote_thr).</summary>
    Throughput,
    /// <summary>Request, echo, reply, one at a time; each round trip timed (libzmq's local_lat/remote_lat).</summary>
    Latency,
    /// <summary>Many senders (each its own socket and thread) stream into one receiver.</summary>
    ManyToOne,
    /// <summary>Several threads stream through one shared (thread-safe) socket into one receiver;
    /// compared with the one-thread <see cref="Throughput"/> row of the same library.</summary>
    Shared,
    /// <summary>One publisher to <see cref="Workload.Senders"/> subscribers (each its own socket and
    /// thread), all subscribed to everything; counted at the subscribers, summed.</summary>
    FanOut,
    /// <summary>Many connections to one SERVER, each a few round trips: connect time and the
    /// server's memory per idle connection (<see cref="Workload.Senders"/> is the connection count).</summary>
    Scale,
}

/// <summary>One row of the result table: a workload run on one library variant.</summary>
internal sealed record Workload(Kind Kind, string Transport, int Size, Variant Variant, int Senders = 1, int Procs = 2)
{
    public string KindName => Kind switch
    {
        Kind.Throughput => "thr",
        Kind.Latency when Variant.Pattern == Pattern.PolledPair => $"lat poll 1 of {Senders}",
        Kind.Latency => "lat",
        Kind.Shared => $"{Senders} thr→1 sock",
        Kind.Scale => $"scale {Senders}",
        Kind.FanOut when Variant.Pattern == Pattern.ProxiedPubSub => $"1→proxy→{Senders}",
        Kind.FanOut => $"1→{Senders} fan-out",
        _ => $"{Senders}→1",
    };

    /// <summary>The workload without the library: rows with the same group are compared. inproc
    /// always runs in one process, so saying so would only lengthen its name.</summary>
    public string Group => $"{KindName} {Transport} {SizeName(Size)}{(Variant.Curve ? " CURVE" : "")}{(Procs == 1 && Transport != "inproc" ? " 1proc" : "")}";

    public string Name => $"{Group} {Variant.Display}";

    /// <summary>Sockets the connect side opens: one per sender, but one in all for a shared socket
    /// and for the poller's one active PAIR (<see cref="Senders"/> then counts the polled sockets).</summary>
    public int ConnectSockets => Kind == Kind.Shared || Variant.Pattern == Pattern.PolledPair ? 1 : Senders;

    /// <summary>End markers the bind side waits for: one per sending thread.</summary>
    public int EndMarkers => Variant.Pattern == Pattern.PolledPair ? 1 : Senders;

    public static string SizeName(int size) => size switch
    {
        >= 1024 when size % 1024 == 0 => $"{(size / 1024).ToString(CultureInfo.InvariantCulture)} KiB",
        _ => $"{size.ToString(CultureInfo.InvariantCulture)} B",
    };

    /// <summary>The bind endpoint with a wildcard a child process can report back.</summary>
    public string BindEndpoint => Transport switch
    {
        "tcp" => "tcp://127.0.0.1:*",
        "ipc" when Variant.Library == Library.NetMQ => throw new NotSupportedException(
            "NetMQ's ipc:// is TCP on 127.0.0.1 with a port from the name's string hash, which .NET randomises per process: it cannot connect across processes and is no ipc"),
        "ipc" => "ipc://*",
        // Unique per run so a name can never be taken by an earlier row's socket.
        "inproc" => $"inproc://perf-{Guid.NewGuid():N}",
        // The RADIO's side picks a free port and connects there; the DISH binds it (udp's roles).
        "udp" => "udp://127.0.0.1:*",
        _ => throw new NotSupportedException($"unknown transport '{Transport}'"),
    };

    public IEnumerable<string> ToArgs() =>
    [
        "--variant", Variant.Id, "--kind", Kind.ToString(), "--transport", Transport,
        "--size", Size.ToString(CultureInfo.InvariantCulture), "--senders", Senders.ToString(CultureInfo.InvariantCulture),
        "--procs", Procs.ToString(CultureInfo.InvariantCulture),
    ];

    public static Workload FromArgs(IReadOnlyDictionary<string, string> a) => new(
        Enum.Parse<Kind>(a["kind"]),
        a["transport"],
        int.Parse(a["size"], CultureInfo.InvariantCulture),
        Variant.Parse(a["variant"]),
        int.Parse(a["senders"], CultureInfo.InvariantCulture),
        int.Parse(a["procs"], CultureInfo.InvariantCulture));
}

/// <summary>How long each measurement runs.</summary>
/// <param name="Warmup">Traffic before the clock starts, so the JIT and the connections settle.</param>
/// <param name="Duration">The measured window.</param>
/// <param name="MaxMessages">Stops each sender (or the latency client) early; for smoke tests.</param>
internal sealed record Settings(TimeSpan Warmup, TimeSpan Duration, long MaxMessages = long.MaxValue)
{
    /// <summary>Generous allowance past warm-up + duration for start-up, draining and reporting.</summary>
    public TimeSpan Deadline => Warmup + Duration + TimeSpan.FromSeconds(25);

    public IEnumerable<string> ToArgs() =>
    [
        "--warmup", Warmup.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
        "--duration", Duration.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
        "--max", MaxMessages.ToString(CultureInfo.InvariantCulture),
    ];

    public static Settings FromArgs(IReadOnlyDictionary<string, string> a) => new(
        TimeSpan.FromSeconds(double.Parse(a["warmup"], CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(double.Parse(a["duration"], CultureInfo.InvariantCulture)),
        long.Parse(a["max"], CultureInfo.InvariantCulture));
}
