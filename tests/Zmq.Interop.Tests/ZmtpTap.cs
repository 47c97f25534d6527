using System.Net;
using System.Net.Sockets;

namespace Zmq.Interop.Tests;

/// <summary>
/// A TCP relay put between two ZMTP peers over the NULL mechanism: whoever connects to
/// <see cref="Endpoint"/> is joined to <c>target</c>, every byte is passed on unchanged, and the
/// commands each side sends (READY, PING, PONG, ...) are recorded, so a test can see on the wire
/// what neither socket reports. Only for plain-text ZMTP 3.x: the 64-byte greeting is skipped, then
/// frames are parsed as flags, 1- or 8-byte size, body.
/// </summary>
internal sealed class ZmtpTap : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _pumps = [];
    private readonly Task _accepting;
    private int _connections;

    private ZmtpTap(IPEndPoint target)
    {
        _target = target;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(8);
        Endpoint = "tcp://" + _listener.LocalEndPoint;
        _accepting = AcceptLoopAsync();
    }

    /// <summary>Where the connecting peer should connect.</summary>
    public string Endpoint { get; }

    /// <summary>Commands the peer that connected to the tap sent.</summary>
    public ZmtpCommandLog FromConnector { get; } = new();

    /// <summary>Commands the peer the tap dialled (<c>target</c>) sent.</summary>
    public ZmtpCommandLog FromTarget { get; } = new();

    /// <summary>Connections relayed so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Relays connections to <paramref name="target"/>, a <c>tcp://address:port</c> endpoint.</summary>
    public static ZmtpTap Start(string target) => new(IPEndPoint.Parse(target["tcp://".Length..]));

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var connector = await _listener.AcceptAsync(_stop.Token);
                var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                connector.NoDelay = true;
                lock (_sockets)
                {
                    _sockets.Add(connector);
                    _sockets.Add(target);
                }
                await target.ConnectAsync(_target, _stop.Token);
                Interlocked.Increment(ref _connections);
                lock (_sockets)
                {
                    _pumps.Add(PumpAsync(connector, target, FromConnector.Parser()));
                    _pumps.Add(PumpAsync(target, connector, FromTarget.Parser()));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    /// <summary>Copies <paramref name="from"/> to <paramref name="to"/> until either ends, recording
    /// the commands; the end of one direction ends the other's sending too, as a closed peer would.</summary>
    private async Task PumpAsync(Socket from, Socket to, Action<ReadOnlySpan<byte>> record)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                {
                    break;
                }
                record(buffer.AsSpan(0, n));
                for (int sent = 0; sent < n;)
                {
                    sent += await to.SendAsync(buffer.AsMemory(sent, n - sent), SocketFlags.None, _stop.Token);
                }
            }
            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Either side closing abruptly ends the relay; the sockets under test see it as a reset.
            to.Close(0);
            from.Close(0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Task[] pumps;
        lock (_sockets)
        {
            foreach (var s in _sockets)
            {
                s.Dispose();
            }
            pumps = [.. _pumps];
        }
        await Task.WhenAll([_accepting, .. pumps]).WaitAsync(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}

/// <summary>The ZMTP commands one side of a <see cref="ZmtpTap"/> connection sent, in order.</summary>
internal sealed class ZmtpCommandLog
{
    private const int GreetingLength = 64;
    private readonly List<(string Name, byte[] Data)> _commands = [];

    /// <summary>How many commands named <paramref name="name"/> (e.g. "PING") were sent.</summary>
    public int Count(string name)
    {
        lock (_commands)
        {
            return _commands.Count(c => c.Name == name);
        }
    }

    /// <summary>The data after the name of every command named <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<byte[]> Data(string name)
    {
        lock (_commands)
        {
            return [.. _commands.Where(c => c.Name == name).Select(c => c.Data)];
        }
    }

    /// <summary>For assertion messages: the command names in order, runs collapsed (PING x12).</summary>
    public string Describe()
    {
        lock (_commands)
        {
            var runs = new List<string>();
            for (int i = 0; i < _commands.Count;)
            {
                int j = i;
                while (j < _commands.Count && _commands[j].Name == _commands[i].Name)
                {
                    j++;
                }
                runs.Add(j - i == 1 ? _commands[i].Name : $"{_commands[i].Name} x{j - i}");
                i = j;
            }
            return runs.Count == 0 ? "(no commands)" : string.Join(", ", runs);
        }
    }

    /// <summary>A parser for one connection's stream in this direction, fed in arbitrary pieces.</summary>
    public Action<ReadOnlySpan<byte>> Parser()
    {
        var pending = new List<byte>();
        bool greeted = false;
        return chunk =>
        {
            pending.AddRange(chunk);
            if (!greeted)
            {
                if (pending.Count < GreetingLength)
                {
                    return;
                }
                pending.RemoveRange(0, GreetingLength);
                greeted = true;
            }
            while (TryTakeFrame(pending, out byte flags, out byte[] body))
            {
                if ((flags & 0x04) != 0 && body.Length > 0 && body.Length >= 1 + body[0])
                {
                    string name = System.Text.Encoding.ASCII.GetString(body, 1, body[0]);
                    lock (_commands)
                    {
                        _commands.Add((name, body[(1 + body[0])..]));
                    }
                }
            }
        };
    }

    private static bool TryTakeFrame(List<byte> pending, out byte flags, out byte[] body)
    {
        flags = 0;
        body = [];
        if (pending.Count < 2)
        {
            return false;
        }
        flags = pending[0];
        bool isLong = (flags & 0x02) != 0;
        int header = isLong ? 9 : 2;
        if (pending.Count < header)
        {
            return false;
        }
        long size = 0;
        for (int i = 1; i < header; i++)
        {
            size = (size << 8) | pending[i];
        }
        if (pending.Count < header + size)
        {
            return false;
        }
        body = [.. pending.GetRange(header, (int)size)];
        pending.RemoveRange(0, header + (int)size);
        return true;
    }
}
