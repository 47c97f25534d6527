using System.Globalization;

namespace Zmq.Cli;

/// <summary>
/// Hidden subcommand: the SERVER side of <c>perf --procs 2</c>, run in a child process. It connects
/// to the parent's endpoint, plays its role, and reports one machine-readable line on stdout.
/// </summary>
internal static class PerfPeer
{
    public const string Command = "perf-peer";
    public static readonly string[] Options = ["connect", "size", "count", "warmup", "hwm"];
    private const string ResultPrefix = "perf-peer-result";

    public static int Run(Args args)
    {
        args.NoMorePositionals(1);
        string mode = args.Positional.Count == 1 ? args.Positional[0] : throw new UsageException("perf-peer needs thr or lat");
        var c = new PerfConfig(mode, args.GetInt("size", 0, 0), args.GetInt("count", 1, 1), args.GetInt("warmup", 0, 0), args.GetInt("hwm", 1000, 0));
        using var server = PerfSides.NewServer(c);
        server.Connect(args.Require("connect"));
        try
        {
            var r = mode switch
            {
                "thr" => PerfSides.ReceiveThroughput(server, c),
                "lat" => PerfSides.Echo(server, c),
                _ => throw new UsageException($"perf-peer: unknown mode '{mode}'"),
            };
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ResultPrefix} {r.Seconds:R} {r.Allocated} {r.Bad}"));
            Console.Out.Flush();
            return 0;
        }
        catch (TimeoutException e)
        {
            Console.Error.WriteLine($"zmq perf-peer: {e.Message}");
            return 1;
        }
    }

    public static bool TryParse(string? line, out SideResult result)
    {
        result = default;
        var parts = line?.Split(' ');
        if (parts is not [ResultPrefix, var s, var a, var b])
        {
            return false;
        }
        var inv = CultureInfo.InvariantCulture;
        if (!double.TryParse(s, NumberStyles.Float, inv, out double seconds)
            || !long.TryParse(a, NumberStyles.Integer, inv, out long allocated)
            || !long.TryParse(b, NumberStyles.Integer, inv, out long bad))
        {
            return false;
        }
        result = new SideResult(seconds, allocated, bad);
        return true;
    }
}
