using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Zmq.Interop.Tests;

/// <summary>What peer.js should be; serialized as its single JSON argument.</summary>
internal sealed record PeerConfig
{
    /// <summary>"server" (libzmq SERVER that echoes) or "client" (libzmq CLIENT that sends and verifies).</summary>
    public required string Mode { get; init; }

    public string? Bind { get; init; }

    public string? Connect { get; init; }

    /// <summary>Server: print DONE after this many messages. Client: messages to send and expect back.</summary>
    public int? Count { get; init; }

    /// <summary>Client: message sizes, cycled by index.</summary>
    public IReadOnlyList<int>? Sizes { get; init; }

    /// <summary>Client: the salt given to <see cref="Payload.Make"/>.</summary>
    public uint? Salt { get; init; }

    /// <summary>Client: idle time between sends.</summary>
    public int? PauseMs { get; init; }

    /// <summary>libzmq ZMQ_HEARTBEAT_IVL: send a ZMTP PING this often.</summary>
    public int? HeartbeatIntervalMs { get; init; }

    /// <summary>libzmq ZMQ_HEARTBEAT_TIMEOUT: drop the connection if nothing (such as a PONG) arrives this long after a PING.</summary>
    public int? HeartbeatTimeoutMs { get; init; }

    /// <summary>peer.js exits on its own after this, so a stuck peer cannot outlive its test by much.</summary>
    public int TimeoutMs { get; init; } = 20_000;
}

/// <summary>
/// A real libzmq peer: <c>node tests/interop/node/peer.js</c> in a child process. Its stdout lines
/// (<c>READY endpoint</c>, <c>DONE json</c>) are awaited with timeouts; if it dies, the error carries
/// its exit code and stderr. Disposing kills it.
/// </summary>
internal sealed class NodePeer : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Lazy<string> PeerDirectory = new(FindPeerDirectory);

    private readonly Process _process;
    private readonly string _name;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly Lock _outputLock = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Task _stdoutPump;
    private int _disposed;

    private NodePeer(Process process, string name)
    {
        _process = process;
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

    public static NodePeer Start(PeerConfig config)
    {
        string dir = PeerDirectory.Value;
        string json = JsonSerializer.Serialize(config, JsonOptions);
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = dir,
            UseShellExecute = false,
            // peer.js exits when its stdin closes, so a crashed test host leaves no node behind.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(dir, "peer.js"));
        info.ArgumentList.Add(json);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned no process for node");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run `node` ({e.Message}): the interop tests need Node.js 18+ on PATH", e);
        }
        return new NodePeer(process, $"peer.js {json}");
    }

    public static NodePeer StartServer(string? bind = null, string? connect = null, int? count = null) =>
        Start(new PeerConfig { Mode = "server", Bind = bind, Connect = connect, Count = count });

    public static NodePeer StartClient(int count, IReadOnlyList<int> sizes, uint salt, string? bind = null, string? connect = null) =>
        Start(new PeerConfig { Mode = "client", Bind = bind, Connect = connect, Count = count, Sizes = sizes, Salt = salt });

    /// <summary>Waits for <c>READY endpoint</c> (the peer has bound or started connecting) and returns the endpoint.</summary>
    public async Task<string> WaitForReadyAsync(TimeSpan? timeout = null) =>
        await WaitForLineAsync("READY ", timeout ?? DefaultWait);

    /// <summary>Waits for <c>DONE json</c> and returns the parsed report.</summary>
    public async Task<JsonElement> WaitForDoneAsync(TimeSpan? timeout = null)
    {
        string json = await WaitForLineAsync("DONE ", timeout ?? DefaultWait);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>Everything the peer printed so far, for assertion messages.</summary>
    public string Describe()
    {
        lock (_outputLock)
        {
            return $"\n--- stdout ---\n{_stdout}--- stderr ---\n{_stderr}";
        }
    }

    /// <summary>Returns the rest of the next stdout line that starts with <paramref name="prefix"/>;
    /// other lines are only kept for diagnostics.</summary>
    private async Task<string> WaitForLineAsync(string prefix, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                string line = await _lines.Reader.ReadAsync(cts.Token);
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    return line[prefix.Length..];
                }
            }
        }
        catch (ChannelClosedException)
        {
            // stdout ended, so the process is ending: wait for it so stderr is complete in the message.
            string code = await TryGetExitCodeAsync();
            throw new InvalidOperationException($"{_name} exited ({code}) without printing '{prefix.Trim()}'.{Describe()}");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} printed no '{prefix.Trim()}' line within {timeout.TotalSeconds} s.{Describe()}");
        }
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
                    _stdout.AppendLine(line);
                }
                _lines.Writer.TryWrite(line);
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
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(cts.Token);
            await _stdoutPump.WaitAsync(cts.Token);
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or not gone in 5 s: either way there is nothing more a test can do.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string FindPeerDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "Zmq.slnx")))
        {
            dir = dir.Parent;
        }
        if (dir == null)
        {
            throw new InvalidOperationException($"no Zmq.slnx above {AppContext.BaseDirectory}: cannot locate tests/interop/node");
        }
        string peerDir = Path.Combine(dir.FullName, "tests", "interop", "node");
        if (!Directory.Exists(Path.Combine(peerDir, "node_modules", "zeromq")))
        {
            // Failing, not skipping: a skipped interop suite looks green while testing nothing.
            throw new InvalidOperationException($"zeromq.js is not installed in {peerDir}: run `npm ci` in tests/interop/node, then rerun the tests");
        }
        return peerDir;
    }
}
