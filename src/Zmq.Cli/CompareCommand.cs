using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Zmq.Cli;

/// <summary>
/// <c>zmq perf --compare</c>: the side-by-side comparison with NetMQ and libzmq lives in
/// bench/Zmq.Perf (it needs those libraries, which this tool does not carry), so this finds the
/// repository this tool was built from and runs the harness there, showing how far it has got.
/// </summary>
internal static class CompareCommand
{
    private const string HarnessProject = "bench/Zmq.Perf/Zmq.Perf.csproj";

    /// <summary>The files of the results folder worth opening first, as the harness names them.</summary>
    private static readonly (string Label, string File)[] Highlights = [("table", "table.txt"), ("chart", "throughput.svg")];

    public static int Run(bool quick)
    {
        string? project = FindHarness(Environment.CurrentDirectory) ?? FindHarness(AppContext.BaseDirectory);
        if (project == null)
        {
            Console.Error.WriteLine($"zmq: perf --compare runs {HarnessProject} from a checkout of this repository; run it from inside one");
            return 1;
        }
        // Chosen here rather than left to the harness, so the paths can be shown at the end.
        string repository = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, "..", ".."));
        string results = Path.Combine(repository, "bench", "results", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            StandardOutputEncoding = new UTF8Encoding(false),
        };
        foreach (var a in (string[])["run", "--project", project, "-c", "Release", "--", "--out", results])
        {
            start.ArgumentList.Add(a);
        }
        if (quick)
        {
            start.ArgumentList.Add("--quick");
        }

        long t0 = Stopwatch.GetTimestamp();
        bool inPlace = !Console.IsErrorRedirected;
        var relay = new CompareRelay(Console.Out, Console.Error, inPlace, () => Stopwatch.GetElapsedTime(t0), TerminalWidth());
        using var harness = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        bool interrupted = false;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // The harness and its workload processes may not share our terminal's Ctrl+C: end them all.
            e.Cancel = true;
            interrupted = true;
            try
            {
                harness.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It had already ended.
            }
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using (inPlace ? new Timer(_ => relay.Redraw(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)) : null)
            {
                relay.PumpAsync(harness.StandardOutput).GetAwaiter().GetResult();
                harness.WaitForExit();
            }
            relay.Finish();
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
        if (interrupted)
        {
            Console.Error.WriteLine($"zmq: perf --compare stopped after {relay.Progress.Done} row(s), {CompareProgress.Elapsed(Stopwatch.GetElapsedTime(t0))}");
            return 130;
        }
        PrintResultFiles(results, Console.Out);
        return harness.ExitCode;
    }

    /// <summary>One line per highlighted file the run wrote, with its full path.</summary>
    public static void PrintResultFiles(string folder, TextWriter output)
    {
        foreach (var (label, file) in Highlights)
        {
            string path = Path.GetFullPath(Path.Combine(folder, file));
            if (File.Exists(path))
            {
                output.WriteLine($"{label}: {path}");
            }
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
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
