using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Zmq.Perf;

/// <summary>What one TCP stream over 127.0.0.1 can carry on this machine (iperf3), sampled once per
/// round of the plan like the rows it is compared with, or why it is unknown.</summary>
internal sealed record LoopbackLimit(IReadOnlyList<double> Samples, string? Error = null)
{
    /// <summary>The largest message size's tcp throughput rows are judged against this.</summary>
    public const int RowSize = 65536;

    private const int Seconds = 3;

    /// <summary>The best sample, as each row is its best run: interference only slows a run down.</summary>
    public double? MegabytesPerSecond => Samples.Count > 0 ? Samples.Max() : null;

    /// <summary>(highest − lowest) / best of the samples, as for the rows.</summary>
    public double? Spread => Samples.Count > 1 ? (Samples.Max() - Samples.Min()) / Samples.Max() : null;

    public string Note
    {
        get
        {
            if (MegabytesPerSecond is not { } mb)
            {
                return Error ?? "no iperf3 result";
            }
            string runs = Samples.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"best of {Samples.Count} runs, spread {Spread * 100:0}%") : "1 run";
            string failed = Error is null ? "" : $"; a run failed: {Error}";
            return string.Create(CultureInfo.InvariantCulture, $"iperf3, one TCP stream over 127.0.0.1 for {Seconds} s, received: {mb:0} MB/s ({runs}){failed}");
        }
    }

    /// <summary>The samples so far plus one more run of iperf3; once a run has failed (iperf3
    /// missing, say) no further run is tried.</summary>
    public static LoopbackLimit Sample(LoopbackLimit? before)
    {
        before ??= new LoopbackLimit([]);
        if (before.Error is not null)
        {
            return before;
        }
        var (mb, error) = Measure();
        return mb is { } v ? before with { Samples = [.. before.Samples, v] } : before with { Error = error };
    }

    private static (double? MegabytesPerSecond, string? Error) Measure()
    {
        int port = FreePort();
        Process server;
        try
        {
            // -1: serve one test and exit, so nothing is left listening if this process dies.
            server = Process.Start(Psi("-s", "-1", "-B", "127.0.0.1", "-p", Str(port)))!;
            _ = server.StandardOutput.ReadToEndAsync();
            _ = server.StandardError.ReadToEndAsync();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (null, "iperf3 is not installed (apt-get install iperf3), so there is no loopback limit to compare with");
        }
        try
        {
            string? lastError = null;
            // The server needs a moment to listen; a refused client is retried rather than timed.
            for (int attempt = 0; attempt < 20; attempt++)
            {
                using var client = Process.Start(Psi("-c", "127.0.0.1", "-p", Str(port), "-t", Str(Seconds), "-J"))!;
                var stdout = client.StandardOutput.ReadToEndAsync();
                _ = client.StandardError.ReadToEndAsync();
                if (!client.WaitForExit(TimeSpan.FromSeconds(Seconds + 20)))
                {
                    client.Kill();
                    return (null, "iperf3 did not finish");
                }
                using var json = JsonDocument.Parse(stdout.Result);
                if (json.RootElement.TryGetProperty("end", out var end) && end.TryGetProperty("sum_received", out var sum)
                    && sum.TryGetProperty("bits_per_second", out var bps))
                {
                    return (bps.GetDouble() / 8 / 1e6, null);
                }
                lastError = json.RootElement.TryGetProperty("error", out var e) ? e.GetString() : "no result in its JSON";
                Thread.Sleep(100);
            }
            return (null, $"iperf3 failed: {lastError}");
        }
        catch (JsonException e)
        {
            return (null, $"iperf3 printed no JSON: {e.Message}");
        }
        finally
        {
            if (!server.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                server.Kill();
                server.WaitForExit();
            }
            server.Dispose();
        }
    }

    private static ProcessStartInfo Psi(params string[] args)
    {
        var psi = new ProcessStartInfo("iperf3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
