using System.Net.Sockets;
using System.Text;

namespace Zmq.Tests.Support;

/// <summary>A hand-driven TCP peer that writes whatever bytes a test gives it: the hostile or
/// broken peer of the bad-input tests.</summary>
internal sealed class RawPeer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public static async Task<RawPeer> ConnectAsync(string endpoint)
    {
        var peer = new RawPeer();
        var hostPort = endpoint["tcp://".Length..];
        int colon = hostPort.LastIndexOf(':');
        await peer._socket.ConnectAsync(hostPort[..colon], int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return peer;
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

    /// <summary>Sends a greeting and READY, and reads the other side's greeting and READY.</summary>
    public async Task HandshakeAsync(string socketType)
    {
        await SendAsync(Greeting(), Ready(socketType));
        await ReadExactlyAsync(64);
        var head = await ReadExactlyAsync(2);
        await ReadExactlyAsync(head[1]);
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

    /// <summary>True when the other side closes the connection within the timeout (whatever it
    /// sent before closing is discarded).</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
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
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (ObjectDisposedException)
        {
            // This side hung up first: there is nothing left to observe.
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
