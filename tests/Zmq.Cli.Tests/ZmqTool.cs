using System.Diagnostics;

namespace Zmq.Cli.Tests;

/// <summary>Starts the built zmq executable, for what only a real process shows: stdin, stdout, stderr and exit codes.</summary>
internal static class ZmqTool
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static Process Start(params string[] args)
    {
        string exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Zmq.Cli.exe" : "Zmq.Cli");
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi)!;
    }

    /// <summary>Runs the tool to its end with stdin closed; kills it if it outlives <see cref="Limit"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var p = Start(args);
        try
        {
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(Limit);
            return (p.ExitCode, await stdout, await stderr);
        }
        finally
        {
            KillIfRunning(p);
        }
    }

    public static void KillIfRunning(Process p)
    {
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
        }
    }
}
