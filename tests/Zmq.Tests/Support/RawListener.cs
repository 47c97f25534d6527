using System.Net;
using System.Net.Sockets;

namespace Zmq.Tests.Support;

/// <summary>A tcp or ipc listener whose accepted connections are <see cref="RawPeer"/>s: the hostile
/// peer for a socket that connects (CLIENT, SUB), and a count of how often that socket dials.</summary>
internal sealed class RawListener : IDisposable
{
    private readonly Socket _socket;
    private readonly string? _path;

    private RawListener(Socket socket, string endpoint, string? path)
    {
        _socket = socket;
        Endpoint = endpoint;
        _path = path;
    }

    /// <summary>The endpoint to connect to, with the concrete port or path.</summary>
    public string Endpoint { get; }

    /// <summary>Listens on <c>tcp://127.0.0.1:*</c> (or another tcp address) or on <c>ipc://*</c>, a
    /// fresh temporary path.</summary>
    public static RawListener Listen(string anyEndpoint)
    {
        if (anyEndpoint == "ipc://*")
        {
            string path = Path.Combine(Path.GetTempPath(), $"zmq-raw-{Guid.NewGuid():N}.sock");
            var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            unix.Bind(new UnixDomainSocketEndPoint(path));
            unix.Listen();
            return new RawListener(unix, "ipc://" + path, path);
        }
        var (address, family) = RawPeer.ParseEndpoint(anyEndpoint);
        var tcp = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
        tcp.Bind(address);
        tcp.Listen();
        var bound = (IPEndPoint)tcp.LocalEndPoint!;
        return new RawListener(tcp, $"tcp://{bound.Address}:{bound.Port}", null);
    }

    /// <summary>The next connection, failing when none comes within the timeout.</summary>
    public async Task<RawPeer> AcceptAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            return new RawPeer(await _socket.AcceptAsync(cts.Token));
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            Assert.Fail($"nobody connected to {Endpoint} within {timeout.TotalSeconds} s");
            throw;
        }
    }

    /// <summary>Fails if a connection comes (or is already waiting) within <paramref name="window"/>.</summary>
    public async Task AssertNoConnectionWithinAsync(TimeSpan window, string because)
    {
        using var cts = new CancellationTokenSource(window);
        Socket accepted;
        try
        {
            accepted = await _socket.AcceptAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return;
        }
        accepted.Dispose();
        Assert.Fail($"{Endpoint} was dialled again within {window.TotalMilliseconds} ms: {because}");
    }

    public void Dispose()
    {
        _socket.Dispose();
        if (_path != null)
        {
            File.Delete(_path);
        }
    }
}
