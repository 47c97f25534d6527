using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Zmq.Perf;

/// <summary>What one TCP stream over 127.0.0.1 can carry on this machine (iperf3), or why it is unknown.</summary>
internal sealed record LoopbackLimit(double? MegabytesPerSecond, string Note)
{
    /// <summary>The largest message size's tcp throughput rows are judged against this.</summary>
    public const int RowSize = 65536;

    private const int Seconds = 3;

    public static LoopbackLimit Measure()
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
            return new LoopbackLimit(null, "iperf3 is not installed (apt-get install iperf3), so there is no loopback limit to compare with");
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
                    return new LoopbackLimit(null, "iperf3 did not finish");
                }
                using var json = JsonDocument.Parse(stdout.Result);
                if (json.RootElement.TryGetProperty("end", out var end) && end.TryGetProperty("sum_received", out var sum)
                    && sum.TryGetProperty("bits_per_second", out var bps))
                {
                    double mb = bps.GetDouble() / 8 / 1e6;
                    return new LoopbackLimit(mb, string.Create(CultureInfo.InvariantCulture, $"iperf3, one TCP stream over 127.0.0.1 for {Seconds} s, received: {mb:0} MB/s"));
                }
                lastError = json.RootElement.TryGetProperty("error", out var e) ? e.GetString() : "no result in its JSON";
                Thread.Sleep(100);
            }
            return new LoopbackLimit(null, $"iperf3 failed: {lastError}");
        }
        catch (JsonException e)
        {
            return new LoopbackLimit(null, $"iperf3 printed no JSON: {e.Message}");
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
