using System.Diagnostics;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>
/// The libzmq column's reference for the rows libzmq's own perf tools cover (thr, N→1, lat): a small
/// C program on libzmq (bench/native/perf_peer.c) in place of this harness calling libzmq through
/// P/Invoke, so that the column shows the best libzmq can do, not libzmq plus a managed caller. It is
/// compiled on first use with the system's C compiler against libzmq3-dev; where either is missing,
/// the rows fall back to P/Invoke and a line on stderr says so.
/// </summary>
internal static class NativePeer
{
    private static readonly Lazy<string?> Binary = new(Build);

    public static bool Serves(Workload w) =>
        w.Variant.Library == Library.LibZmq
        && w.Procs == 2
        && w.Kind is Kind.Throughput or Kind.ManyToOne or Kind.Latency
        && w.Variant.Pattern is Pattern.PushPull or Pattern.ReqRep or Pattern.DealerRouter
        && !w.Variant.Curve
        && Binary.Value is not null;

    public static ProcessStartInfo StartInfo() => new(Binary.Value!);

    private static string? Build()
    {
        string source = Path.Combine(AppContext.BaseDirectory, "native", "perf_peer.c");
        string binary = Path.Combine(AppContext.BaseDirectory, "native", "perf_peer");
        if (File.Exists(binary) && File.GetLastWriteTimeUtc(binary) >= File.GetLastWriteTimeUtc(source))
        {
            return binary;
        }
        var psi = new ProcessStartInfo("cc") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "-O2", "-o", binary, source, "-lzmq", "-lpthread" })
        {
            psi.ArgumentList.Add(a);
        }
        try
        {
            using var cc = Process.Start(psi)!;
            string errors = cc.StandardError.ReadToEnd();
            cc.WaitForExit();
            if (cc.ExitCode == 0)
            {
                return binary;
            }
            Console.Error.WriteLine($"note: libzmq rows call libzmq through P/Invoke: bench/native/perf_peer.c did not build (install libzmq3-dev): {errors.Split('\n')[0]}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine($"note: libzmq rows call libzmq through P/Invoke: no C compiler to build bench/native/perf_peer.c ({e.Message})");
        }
        return null;
    }
}
