using System.Diagnostics;

namespace Zmq.Cli;

/// <summary>
/// <c>zmq perf --compare</c>: the side-by-side comparison with NetMQ and libzmq lives in
/// bench/Zmq.Perf (it needs those libraries, which this tool does not carry), so this finds the
/// repository this tool was built from and runs the harness there.
/// </summary>
internal static class CompareCommand
{
    private const string HarnessProject = "bench/Zmq.Perf/Zmq.Perf.csproj";

    public static int Run(bool quick)
    {
        string? project = FindHarness(Environment.CurrentDirectory) ?? FindHarness(AppContext.BaseDirectory);
        if (project == null)
        {
            Console.Error.WriteLine($"zmq: perf --compare runs {HarnessProject} from a checkout of this repository; run it from inside one");
            return 1;
        }
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var a in (string[])["run", "--project", project, "-c", "Release", "--"])
        {
            start.ArgumentList.Add(a);
        }
        if (quick)
        {
            start.ArgumentList.Add("--quick");
        }
        using var harness = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        harness.WaitForExit();
        return harness.ExitCode;
    }

    private static string? FindHarness(string from)
    {
        for (var dir = new DirectoryInfo(from); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, HarnessProject);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
