using System.Collections.Concurrent;
using System.Diagnostics;

namespace Zmq.Perf;

/// <summary>One line from a child: READY, RESULT, ERROR, or EXIT when its stdout closed.</summary>
internal sealed record ChildLine(string Who, string Kind, string Payload);

/// <summary>
/// This harness started again as a child process. Its protocol lines go into a queue shared with
/// the other child of the workload, so the parent sees whichever side fails first. Disposing kills
/// the child if it has not exited by then.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private const int StderrLines = 8;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderr = new();

    private ChildProcess(string who, IEnumerable<string> args, BlockingCollection<ChildLine> lines, bool raiseFdLimit, ProcessStartInfo? program = null)
    {
        Who = who;
        var psi = program ?? SelfStartInfo();
        if (raiseFdLimit && !OperatingSystem.IsWindows())
        {
            // A process may raise its own soft limit up to the hard one; the shell does it for the
            // child before exec-ing it ("$0" "$@" keep the arguments exactly as given).
            var inner = psi;
            psi = new ProcessStartInfo("/bin/sh");
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"ulimit -n {WantedFdLimit} 2>/dev/null || ulimit -n \"$(ulimit -Hn)\" 2>/dev/null; exec \"$0\" \"$@\"");
            psi.ArgumentList.Add(inner.FileName);
            foreach (string a in inner.ArgumentList)
            {
                psi.ArgumentList.Add(a);
            }
        }
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true;
        psi.UseShellExecute = false;
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) =>
        {
            var line = e.Data is null ? new ChildLine(who, "EXIT", "") : Parse(e.Data);
            if (line is not null)
            {
                try
                {
                    lines.Add(line with { Who = who });
                }
                catch (ObjectDisposedException)
                {
                    // The workload is over; nobody is listening any more.
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } text)
            {
                _stderr.Enqueue(text);
                while (_stderr.Count > StderrLines && _stderr.TryDequeue(out string? _))
                {
                }
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Who { get; }

    /// <summary>Open files the scale workload's children ask for; they get the hard limit if it is lower.</summary>
    public const int WantedFdLimit = 65536;

    public static ChildProcess Start(string who, IEnumerable<string> args, BlockingCollection<ChildLine> lines, bool raiseFdLimit = false) => new(who, args, lines, raiseFdLimit);

    /// <summary>A side of <paramref name="w"/>: this program's child mode, or the native libzmq peer
    /// where it serves the row (it takes the same arguments, less the "child" command).</summary>
    public static ChildProcess StartSide(string who, Workload w, string role, IEnumerable<string> args, BlockingCollection<ChildLine> lines) =>
        NativePeer.Serves(w)
            ? new(who, [role, .. args], lines, raiseFdLimit: false, NativePeer.StartInfo())
            : new(who, [ChildMain.Command, role, .. args], lines, raiseFdLimit: false);

    /// <summary>Writes a command line to the child's stdin.</summary>
    public void Tell(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    /// <summary>Why the child stopped, for the report: exit code and the end of its stderr.</summary>
    public string Describe()
    {
        string code = _process.WaitForExit(TimeSpan.FromSeconds(2)) ? $"exited with code {_process.ExitCode}" : "is still running";
        string tail = string.Join(" | ", _stderr);
        return tail.Length == 0 ? $"{Who} {code}" : $"{Who} {code}: {tail}";
    }

    /// <summary>Tells a connect side it may close its sockets and exit.</summary>
    public void Release()
    {
        try
        {
            _process.StandardInput.WriteLine("exit");
            _process.StandardInput.Flush();
        }
        catch (IOException)
        {
            // Already gone: nothing to release.
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _process.Kill(entireProcessTree: true);
            }
            // The untimed wait also drains the redirected output, so no handler runs after this.
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        _process.Dispose();
    }

    private static ChildLine? Parse(string text)
    {
        if (text.StartsWith(ChildMain.ReadyPrefix, StringComparison.Ordinal))
        {
            return new ChildLine("", "READY", text[ChildMain.ReadyPrefix.Length..]);
        }
        if (text.StartsWith(ChildMain.ResultPrefix, StringComparison.Ordinal))
        {
            // "PERF-RESULT <side> <json>": the side names which half of a one-process child reported.
            string rest = text[ChildMain.ResultPrefix.Length..];
            int space = rest.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? null : new ChildLine("", "RESULT " + rest[..space], rest[(space + 1)..]);
        }
        if (text.StartsWith(Scale.PhasePrefix, StringComparison.Ordinal))
        {
            return new ChildLine("", "PHASE " + text[Scale.PhasePrefix.Length..], "");
        }
        if (text.StartsWith(ChildMain.ErrorPrefix, StringComparison.Ordinal))
        {
            return new ChildLine("", "ERROR", text[ChildMain.ErrorPrefix.Length..]);
        }
        return null;
    }

    /// <summary>Runs this same program: its apphost when there is one beside the assembly (dotnet run,
    /// a published app), else the dotnet host with the assembly (dotnet exec, test runners).</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        string dll = typeof(ChildProcess).Assembly.Location;
        string appHost = Path.ChangeExtension(dll, OperatingSystem.IsWindows() ? ".exe" : null);
        if (File.Exists(appHost))
        {
            return new ProcessStartInfo(appHost);
        }
        string? current = Environment.ProcessPath;
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH")
            ?? (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet" ? current : "dotnet");
        var psi = new ProcessStartInfo(host);
        psi.ArgumentList.Add(dll);
        return psi;
    }
}
