using System.Text.Json;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>
/// The harness re-invoked as one side of a workload (<c>child bind|connect|both ...</c>), as
/// libzmq's local_thr/remote_thr pair. It talks to the parent through stdout lines starting with
/// <c>PERF-</c>; the connect side stays up until the parent writes a line to its stdin, so its
/// sockets are not closed while the receiver may still be draining them.
/// </summary>
internal static class ChildMain
{
    public const string Command = "child";
    public const string ReadyPrefix = "PERF-READY ";
    public const string ResultPrefix = "PERF-RESULT ";
    public const string ErrorPrefix = "PERF-ERROR ";

    /// <summary>How long the connect side waits for the parent's go-ahead to close.</summary>
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(60);

    public static int Run(string role, IReadOnlyDictionary<string, string> options)
    {
        var w = Workload.FromArgs(options);
        var s = Settings.FromArgs(options);
        try
        {
            w.Variant.Setup();
            switch (role)
            {
                case "bind":
                    Bind(w, s);
                    break;
                case "connect":
                    Connect(w, s, options["connect"]);
                    break;
                case Scale.ServerRole:
                    Scale.Server(w);
                    break;
                case Scale.ClientsRole:
                    Scale.Clients(w, options["connect"], int.Parse(options["count"], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case "both":
                    var r = InProcess.Run(w, s);
                    if (!r.Ok)
                    {
                        throw new InvalidOperationException(r.Error);
                    }
                    Report("bind", r.Bind!);
                    Report("connect", r.Connect!);
                    break;
                default:
                    throw new ArgumentException($"unknown child role '{role}'");
            }
            return 0;
        }
#pragma warning disable CA1031 // The parent needs whatever went wrong as a line, not a crash dump.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Console.Out.WriteLine(ErrorPrefix + OneLine(e));
            Console.Out.Flush();
            return 1;
        }
        finally
        {
            w.Variant.Shutdown();
            ScaleSockets.Shutdown(w.Variant);
        }
    }

    public static string OneLine(Exception e) => $"{e.GetType().Name}: {e.Message}".ReplaceLineEndings(" ");

    private static void Bind(Workload w, Settings s)
    {
        using var socket = w.Variant.Create(bindSide: true, w.Size, w.Senders);
        string endpoint = socket.Bind(w.BindEndpoint);
        Console.Out.WriteLine(ReadyPrefix + endpoint);
        Console.Out.Flush();
        var r = w.Kind == Kind.FanOut ? FanOutSides.Publish(socket, w.Size, s) : Sides.BindSide(socket, echo: w.Kind == Kind.Latency, w.Size, s.Warmup, w.EndMarkers);
        Report("bind", r);
    }

    private static void Connect(Workload w, Settings s, string endpoint)
    {
        var sockets = new List<IBenchSocket>();
        try
        {
            var senders = Senders(w, endpoint, sockets);
            var r = ConnectSide(w, s, senders);
            Report("connect", r);
            _ = Console.In.ReadLineAsync().Wait(ExitWait);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }

    public static SideResult ConnectSide(Workload w, Settings s, IReadOnlyList<IBenchSocket> sockets) => w.Kind switch
    {
        Kind.Latency => Sides.RoundTrips(sockets[0], w.Size, s),
        Kind.FanOut => FanOutSides.Subscribe(sockets, w.Size, s),
        _ => Sides.SendSide(sockets, w.Size, s),
    };

    /// <summary>Creates and connects the connect side's sockets into <paramref name="owned"/> and
    /// returns one per sending thread: for <see cref="Kind.Shared"/> that is the one socket again and again.</summary>
    public static IReadOnlyList<IBenchSocket> Senders(Workload w, string endpoint, List<IBenchSocket> owned)
    {
        for (int i = 0; i < w.ConnectSockets; i++)
        {
            var socket = w.Variant.Create(bindSide: false, w.Size);
            owned.Add(socket);
            socket.Connect(endpoint);
        }
        return w.Kind == Kind.Shared ? [.. Enumerable.Repeat(owned[0], w.Senders)] : owned;
    }

    public static void Report(string side, SideResult r)
    {
        Console.Out.WriteLine(ResultPrefix + side + " " + JsonSerializer.Serialize(r, PerfJson.Default.SideResult));
        Console.Out.Flush();
    }
}

/// <summary>Both sides in this process: the bind side on a thread of its own, the connect side on the caller's.</summary>
internal static class InProcess
{
    public static WorkloadResult Run(Workload w, Settings s)
    {
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        double Wall() => System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
        using var bindSocket = w.Variant.Create(bindSide: true, w.Size, w.Senders);
        string endpoint = bindSocket.Bind(w.BindEndpoint);
        var bindTask = new TaskCompletionSource<SideResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                bindTask.SetResult(w.Kind == Kind.FanOut
                    ? FanOutSides.Publish(bindSocket, w.Size, s)
                    : Sides.BindSide(bindSocket, echo: w.Kind == Kind.Latency, w.Size, s.Warmup, w.EndMarkers));
            }
#pragma warning disable CA1031 // Handed to the caller through the task.
            catch (Exception e)
#pragma warning restore CA1031
            {
                bindTask.SetException(e);
            }
        })
        { Name = "bind-side", IsBackground = true }.Start();

        var sockets = new List<IBenchSocket>();
        try
        {
            var senders = ChildMain.Senders(w, endpoint, sockets);
            var connect = ChildMain.ConnectSide(w, s, senders);
            if (!bindTask.Task.Wait(s.Deadline))
            {
                return WorkloadResult.Failed(w, $"the bind side did not finish within {s.Deadline.TotalSeconds:0} s", Wall());
            }
            return new WorkloadResult(w, bindTask.Task.Result, connect, null, Wall());
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or AggregateException)
        {
            var inner = e is AggregateException { InnerException: { } i } ? i : e;
            return WorkloadResult.Failed(w, ChildMain.OneLine(inner), Wall());
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }
    }
}
