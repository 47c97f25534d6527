using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Zmq.Interop.Tests;

/// <summary>What peer.js should be; serialized as its single JSON argument.</summary>
internal sealed record PeerConfig
{
    /// <summary>"server" (libzmq SERVER that echoes), "client" (libzmq CLIENT that sends and verifies),
    /// "sink" (SERVER that reports the indices it got) or "interactive" (driven by <see cref="NodePeer.SendAsync"/>).</summary>
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

    /// <summary>Sink: print DONE when the message with this index arrives.</summary>
    public int? Until { get; init; }

    /// <summary>Sink: stop receiving after this many messages and print STALLED.</summary>
    public int? StallAfter { get; init; }

    /// <summary>Interactive: the libzmq socket type, "server", "client", "dealer", "router", "pub", "sub", "xpub", "radio" or "dish".</summary>
    public string? Socket { get; init; }

    /// <summary>libzmq ZMQ_RCVBUF: the kernel receive buffer.</summary>
    public int? ReceiveBufferSize { get; init; }

    /// <summary>libzmq ZMQ_RCVHWM.</summary>
    public int? ReceiveHighWaterMark { get; init; }

    /// <summary>libzmq ZMQ_SNDBUF: the kernel send buffer.</summary>
    public int? SendBufferSize { get; init; }

    /// <summary>libzmq ZMQ_SNDHWM.</summary>
    public int? SendHighWaterMark { get; init; }

    /// <summary>libzmq ZMQ_PLAIN_USERNAME: a PLAIN client.</summary>
    public string? PlainUsername { get; init; }

    /// <summary>libzmq ZMQ_PLAIN_PASSWORD.</summary>
    public string? PlainPassword { get; init; }

    /// <summary>libzmq ZMQ_PLAIN_SERVER, with a ZAP handler that lets in <see cref="PlainUsers"/>.</summary>
    public bool? PlainServer { get; init; }

    /// <summary>The users (name → password) the PLAIN server's ZAP handler lets in.</summary>
    public IReadOnlyDictionary<string, string>? PlainUsers { get; init; }

    /// <summary>libzmq ZMQ_CURVE_SERVER, with <see cref="CurveSecretKey"/> and <see cref="CurvePublicKey"/>.</summary>
    public bool? CurveServer { get; init; }

    /// <summary>libzmq ZMQ_CURVE_SERVERKEY (Z85): a CURVE client.</summary>
    public string? CurveServerKey { get; init; }

    /// <summary>libzmq ZMQ_CURVE_SECRETKEY (Z85).</summary>
    public string? CurveSecretKey { get; init; }

    /// <summary>libzmq ZMQ_CURVE_PUBLICKEY (Z85).</summary>
    public string? CurvePublicKey { get; init; }

    /// <summary>libzmq ZMQ_HELLO_MSG (draft), as UTF-8 text.</summary>
    public string? HelloMsg { get; init; }

    /// <summary>libzmq ZMQ_DISCONNECT_MSG (draft), as UTF-8 text.</summary>
    public string? DisconnectMsg { get; init; }

    /// <summary>libzmq ZMQ_HICCUP_MSG (draft), as UTF-8 text.</summary>
    public string? HiccupMsg { get; init; }

    /// <summary>peer.js exits on its own after this, so a stuck peer cannot outlive its test by much.</summary>
    public int TimeoutMs { get; init; } = 20_000;
}

/// <summary>
/// A real libzmq peer: <c>node tests/interop/node/peer.js</c> in a child process, reporting through
/// stdout lines (<c>READY endpoint</c>, <c>DONE json</c>, and in interactive mode <c>MSG</c> and <c>EVENT</c>).
/// </summary>
internal sealed class NodePeer : PeerProcess, ILibzmqPeer
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly Lazy<string> PeerDirectory = new(FindPeerDirectory);

    private NodePeer(ProcessStartInfo info, string name)
        : base(info, name)
    {
    }

    public static NodePeer Start(PeerConfig config)
    {
        string dir = PeerDirectory.Value;
        string json = JsonSerializer.Serialize(config, JsonOptions);
        var info = new ProcessStartInfo("node") { WorkingDirectory = dir };
        info.ArgumentList.Add(Path.Combine(dir, "peer.js"));
        info.ArgumentList.Add(json);
        try
        {
            return new NodePeer(info, $"peer.js {json}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run `node` ({e.Message}): the interop tests need Node.js 18+ on PATH", e);
        }
    }

    public static NodePeer StartServer(string? bind = null, string? connect = null, int? count = null) =>
        Start(new PeerConfig { Mode = "server", Bind = bind, Connect = connect, Count = count });

    public static NodePeer StartClient(int count, IReadOnlyList<int> sizes, uint salt, string? bind = null, string? connect = null) =>
        Start(new PeerConfig { Mode = "client", Bind = bind, Connect = connect, Count = count, Sizes = sizes, Salt = salt });

    /// <summary>Waits for <c>READY endpoint</c> (the peer has bound or started connecting) and returns the endpoint.</summary>
    public Task<string> WaitForReadyAsync(TimeSpan? timeout = null) => WaitForLineAsync("READY ", timeout);

    /// <summary>Waits for <c>DONE json</c> and returns the parsed report.</summary>
    public Task<JsonElement> WaitForDoneAsync(TimeSpan? timeout = null) => WaitForReportAsync("DONE ", timeout);

    /// <summary>Waits for a line <paramref name="prefix"/> followed by JSON and returns the parsed JSON.</summary>
    public async Task<JsonElement> WaitForReportAsync(string prefix, TimeSpan? timeout = null)
    {
        string json = await WaitForLineAsync(prefix, timeout);
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    /// <summary>Interactive mode: the libzmq socket sends <paramref name="body"/> (to <paramref name="routingId"/> if it is a SERVER).</summary>
    public Task SendAsync(byte[] body, uint routingId = 0) => SendLineAsync($"SEND {routingId} {Convert.ToHexStringLower(body)}");

    /// <summary>Interactive mode: the next message the libzmq socket received, with its routing id (0 if its type has none).</summary>
    public async Task<(uint RoutingId, byte[] Body)> ReceiveAsync(string what, TimeSpan? timeout = null)
    {
        string[] fields = (await WaitForLineAsync(l => l.StartsWith("MSG ", StringComparison.Ordinal), $"MSG ({what})", timeout)).Split(' ');
        return (uint.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), Convert.FromHexString(fields[2]));
    }

    /// <summary>Interactive mode: every frame of the next message the libzmq socket received.</summary>
    public async Task<byte[][]> ReceiveFramesAsync(string what, TimeSpan? timeout = null)
    {
        string[] fields = (await WaitForLineAsync(l => l.StartsWith("MSG ", StringComparison.Ordinal), $"MSG ({what})", timeout)).Split(' ');
        return [.. fields[2].Split(',').Select(Convert.FromHexString)];
    }

    /// <summary>Interactive mode: the libzmq RADIO sends <paramref name="body"/> to <paramref name="group"/>.</summary>
    public Task SendToGroupAsync(string group, byte[] body) =>
        SendLineAsync($"SENDGROUP {Convert.ToHexStringLower(Encoding.UTF8.GetBytes(group))} {Convert.ToHexStringLower(body)}");

    /// <summary>Interactive mode: the libzmq DISH joins (or leaves) <paramref name="group"/>; returns once it has.</summary>
    public async Task JoinAsync(string group, bool join = true)
    {
        await SendLineAsync($"{(join ? "JOIN" : "LEAVE")} {Convert.ToHexStringLower(Encoding.UTF8.GetBytes(group))}");
        await WaitForLineAsync(l => l == (join ? "JOINED" : "LEFT"), join ? "JOINED" : "LEFT", null);
    }

    /// <summary>Interactive mode: the next message the libzmq DISH received, with its group.</summary>
    public async Task<(string Group, byte[] Body)> ReceiveFromGroupAsync(string what, TimeSpan? timeout = null)
    {
        string[] fields = (await WaitForLineAsync(l => l.StartsWith("GROUPMSG ", StringComparison.Ordinal), $"GROUPMSG ({what})", timeout)).Split(' ');
        return (Encoding.UTF8.GetString(Convert.FromHexString(fields[1])), Convert.FromHexString(fields[2]));
    }

    /// <summary>Interactive mode: the libzmq PUB sends a multipart message.</summary>
    public Task SendFramesAsync(params byte[][] frames) => SendLineAsync($"SEND 0 {string.Join(',', frames.Select(Convert.ToHexStringLower))}");

    /// <summary>Interactive mode: the libzmq SUB subscribes to (or cancels) <paramref name="topic"/>; returns once it has.</summary>
    public async Task SubscribeAsync(byte[] topic, bool subscribe = true)
    {
        string command = subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";
        await SendLineAsync($"{command} {Convert.ToHexStringLower(topic)}");
        await WaitForLineAsync(l => l == command + "D", command, null);
    }

    /// <summary>Interactive mode: the libzmq socket stops calling receive (one receive already waiting
    /// still takes a message), so its queue fills to its receive high-water mark and it stops reading
    /// the connection; returns once the peer has stopped.</summary>
    public async Task PauseReceivingAsync()
    {
        await SendLineAsync("PAUSE");
        await WaitForLineAsync(l => l == "PAUSED", "PAUSED", null);
    }

    /// <summary>Interactive mode: the libzmq socket receives again; returns once it has resumed.</summary>
    public async Task ResumeReceivingAsync()
    {
        await SendLineAsync("RESUME");
        await WaitForLineAsync(l => l == "RESUMED", "RESUMED", null);
    }

    /// <summary>Interactive mode: the libzmq socket sends <c>Payload.Make(salt, i, size)</c> for
    /// i = <paramref name="from"/> .. from + count - 1 as fast as it takes them; returns once it has.</summary>
    public async Task BlastAsync(uint salt, int from, int count, int size)
    {
        await SendLineAsync(FormattableString.Invariant($"BLAST {salt} {from} {count} {size}"));
        string sent = FormattableString.Invariant($"SENT {from} {count}");
        await WaitForLineAsync(l => l == sent, sent, null);
    }

    /// <summary>Interactive mode: waits for libzmq's monitor event <paramref name="name"/> (e.g. handshake, disconnect).</summary>
    public Task WaitForEventAsync(string name, TimeSpan? timeout = null) =>
        WaitForLineAsync(l => l == "EVENT " + name, $"EVENT {name}", timeout);

    private static string FindPeerDirectory()
    {
        string peerDir = Path.Combine(RepoRoot.Path, "tests", "interop", "node");
        if (!Directory.Exists(Path.Combine(peerDir, "node_modules", "zeromq")))
        {
            // Failing, not skipping: a skipped interop suite looks green while testing nothing.
            throw new InvalidOperationException($"zeromq.js is not installed in {peerDir}: run `npm ci` in tests/interop/node, then rerun the tests");
        }
        return peerDir;
    }
}

/// <summary>The checkout the tests run from, found by walking up from the test binaries.</summary>
internal static class RepoRoot
{
    private static readonly Lazy<string> Root = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Zmq.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException($"no Zmq.slnx above {AppContext.BaseDirectory}: cannot locate the repository");
    });

    public static string Path => Root.Value;
}
