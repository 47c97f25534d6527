using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Zmq.Interop.Tests;

/// <summary>
/// A peer in a child process whose stdout lines the test awaits with timeouts. A waited-for line is
/// claimed; lines nobody has claimed yet stay available, so a test can wait for lines in any order.
/// If the process dies, the error carries its exit code and output. Disposing kills it.
/// </summary>
internal class PeerProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly string _name;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _unclaimed = [];
    private readonly Lock _outputLock = new();
    private readonly List<string> _stdoutLines = [];
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile Func<string, bool>? _holdAfter;
    private int _disposed;

    protected PeerProcess(ProcessStartInfo info, string name)
    {
        info.UseShellExecute = false;
        // peer.js exits when its stdin closes, so a crashed test host leaves no node behind.
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.StandardOutputEncoding = Encoding.UTF8;
        info.StandardErrorEncoding = Encoding.UTF8;
        _process = Process.Start(info) ?? throw new InvalidOperationException($"Process.Start returned no process for {name}");
        _name = name;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data != null)
            {
                lock (_outputLock)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
        _stdoutPump = PumpStdoutAsync();
    }

    /// <summary>Every stdout line so far, claimed or not, in order.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_outputLock)
            {
                return [.. _stdoutLines];
            }
        }
    }

    /// <summary>Everything the peer printed so far, for assertion messages.</summary>
    public string Describe()
    {
        lock (_outputLock)
        {
            return $"\n--- {_name} stdout ---\n{string.Join('\n', _stdoutLines)}\n--- stderr ---\n{_stderr}";
        }
    }

    /// <summary>Claims the first unclaimed stdout line starting with <paramref name="prefix"/> and returns the rest of it.</summary>
    public async Task<string> WaitForLineAsync(string prefix, TimeSpan? timeout = null) =>
        (await WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), $"'{prefix.Trim()}'", timeout))[prefix.Length..];

    /// <summary>Claims and returns the first unclaimed stdout line that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan? timeout = null)
    {
        int at = _unclaimed.FindIndex(l => match(l));
        if (at >= 0)
        {
            string found = _unclaimed[at];
            _unclaimed.RemoveAt(at);
            return found;
        }
        var wait = timeout ?? DefaultWait;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                string line = await _lines.Reader.ReadAsync(cts.Token);
                if (match(line))
                {
                    return line;
                }
                _unclaimed.Add(line);
            }
        }
        catch (ChannelClosedException)
        {
            // stdout ended, so the process is ending: wait for it so stderr is complete in the message.
            string code = await TryGetExitCodeAsync();
            throw new InvalidOperationException($"{_name} exited ({code}) without printing a line {what}.{Describe()}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} printed no line {what} within {wait.TotalSeconds} s.{Describe()}");
        }
    }

    /// <summary>Stops reading the peer's stdout after the first line <paramref name="match"/> accepts,
    /// until <see cref="KillAsync"/>. A peer that prints what it receives then blocks once the pipe
    /// is full and stops receiving: a way to stall a peer that cannot be told to. Call before the
    /// peer prints anything.</summary>
    public void HoldOutputAfter(Func<string, bool> match) => _holdAfter = match;

    /// <summary>Completes when <see cref="HoldOutputAfter"/> has stopped reading.</summary>
    public Task OutputHeld => _held.Task;

    /// <summary>Writes a command line to the peer's stdin.</summary>
    public async Task SendLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Kills the process (SIGKILL: no clean close of its sockets, as in a crash) and returns
    /// once it has exited and all it printed has been read; its output stays readable.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _process.WaitForExitAsync(cts.Token);
        // What the peer printed before it died is still in the pipe.
        _released.TrySetResult();
        await _stdoutPump.WaitAsync(cts.Token);
    }

    private async Task<string> TryGetExitCodeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return $"exit code {_process.ExitCode}";
        }
        catch (OperationCanceledException)
        {
            return "closed stdout but is still running";
        }
    }

    private async Task PumpStdoutAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_outputLock)
                {
                    _stdoutLines.Add(line);
                }
                _lines.Writer.TryWrite(line);
                if (_holdAfter is { } hold && hold(line))
                {
                    _holdAfter = null;
                    _held.TrySetResult();
                    await _released.Task;
                }
            }
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await KillAsync();
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not gone in 5 s: either way there is nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
        }
        GC.SuppressFinalize(this);
    }
}
