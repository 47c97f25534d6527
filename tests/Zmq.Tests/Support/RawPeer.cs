using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Zmq.Tests.Support;

/// <summary>A hand-driven tcp or ipc peer that writes whatever bytes a test gives it: the hostile or
/// broken peer of the bad-input tests. It dials a socket (<see cref="ConnectAsync"/>) or is dialled
/// by one (<see cref="RawListener"/>).</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket;

    internal RawPeer(Socket socket)
    {
        _socket = socket;
    }

    /// <summary>Connects to <c>tcp://host:port</c> or <c>ipc://path</c> (<c>ipc://@name</c> for an
    /// abstract name).</summary>
    public static async Task<RawPeer> ConnectAsync(string endpoint)
    {
        var (address, family) = ParseEndpoint(endpoint);
        var socket = new Socket(family, SocketType.Stream, family == AddressFamily.Unix ? ProtocolType.Unspecified : ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(address);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new RawPeer(socket);
    }

    /// <summary>The OS address of a tcp or ipc endpoint with a concrete address.</summary>
    internal static (EndPoint Address, AddressFamily Family) ParseEndpoint(string endpoint)
    {
        if (endpoint.StartsWith("ipc://", StringComparison.Ordinal))
        {
            string path = endpoint["ipc://".Length..];
            return (new UnixDomainSocketEndPoint(path.StartsWith('@') ? "\0" + path[1..] : path), AddressFamily.Unix);
        }
        if (endpoint.StartsWith("tcp://", StringComparison.Ordinal))
        {
            var hostPort = endpoint["tcp://".Length..];
            int colon = hostPort.LastIndexOf(':');
            var ip = IPAddress.Parse(hostPort[..colon].Trim('[', ']'));
            int port = hostPort[(colon + 1)..] == "*" ? 0 : int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            return (new IPEndPoint(ip, port), ip.AddressFamily);
        }
        throw new ArgumentException($"a raw peer speaks tcp or ipc, not '{endpoint}'", nameof(endpoint));
    }

    /// <summary>A valid ZMTP 3.1 NULL greeting, as libzmq sends it.</summary>
    public static byte[] Greeting(string mechanism = "NULL", byte major = 3, byte minor = 1)
    {
        var g = new byte[64];
        g[0] = 0xFF;
        g[8] = 1;
        g[9] = 0x7F;
        g[10] = major;
        g[11] = minor;
        Encoding.ASCII.GetBytes(mechanism).CopyTo(g, 12);
        return g;
    }

    /// <summary>A READY command frame with the given Socket-Type.</summary>
    public static byte[] Ready(string socketType)
    {
        var body = new List<byte> { 5 };
        body.AddRange("READY"u8.ToArray());
        body.Add(11);
        body.AddRange("Socket-Type"u8.ToArray());
        body.AddRange([0, 0, 0, (byte)socketType.Length]);
        body.AddRange(Encoding.ASCII.GetBytes(socketType));
        return [0x04, (byte)body.Count, .. body];
    }

    /// <summary>A short message frame.</summary>
    public static byte[] MessageFrame(string text, bool more = false)
    {
        var b = Encoding.UTF8.GetBytes(text);
        return [more ? (byte)1 : (byte)0, (byte)b.Length, .. b];
    }

    public Task SendAsync(params byte[][] chunks) => _socket.SendAsync(chunks.SelectMany(c => c).ToArray(), SocketFlags.None);

    /// <summary>Sends a greeting (ZMTP 3.<paramref name="minor"/>) and READY, and reads the other
    /// side's greeting and READY.</summary>
    public async Task HandshakeAsync(string socketType, byte minor = 1)
    {
        await SendAsync(Greeting(minor: minor), Ready(socketType));
        await ReadExactlyAsync(64);
        var head = await ReadExactlyAsync(2);
        await ReadExactlyAsync(head[1]);
    }

    /// <summary>Reads one short frame (under 256 bytes): its flags and body.</summary>
    public async Task<(byte Flags, byte[] Body)> ReadShortFrameAsync()
    {
        var head = await ReadExactlyAsync(2);
        return (head[0], await ReadExactlyAsync(head[1]));
    }

    public async Task<byte[]> ReadExactlyAsync(int n)
    {
        var buf = new byte[n];
        int got = 0;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (got < n)
        {
            int r = await _socket.ReceiveAsync(buf.AsMemory(got), SocketFlags.None, cts.Token);
            if (r == 0)
            {
                throw new IOException($"peer closed after {got} of {n} bytes");
            }
            got += r;
        }
        return buf;
    }

    /// <summary>Hangs up this side's sending direction (a FIN): the other side reads the end of the
    /// stream, while this peer can still see what it does about it.</summary>
    public void HangUp() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>True when the other side closes the connection within the timeout: a read returns the
    /// end of the stream, or the connection is reset. Whatever it sent before closing is discarded.
    /// This side must not have been disposed: that would say nothing about the other side.</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var buf = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                if (await _socket.ReceiveAsync(buf, SocketFlags.None, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted)
        {
            // The other side closed with bytes of ours unread: the OS resets the connection.
            return true;
        }
    }

    private bool _disposed;

    public ValueTask DisposeAsync()
    {
        _disposed = true;
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
