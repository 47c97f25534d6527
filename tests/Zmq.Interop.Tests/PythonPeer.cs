using System.ComponentModel;
using System.Diagnostics;

namespace Zmq.Interop.Tests;

/// <summary>A socket of Debian's libzmq (4.3.4, no draft types) in a python3-zmq child process:
/// tests/interop/python/peer.py. It prints <c>READY endpoint</c>, then <c>MSG hex,hex</c> per received
/// message, and sends the frames of each <c>SEND hex,hex</c> line.</summary>
internal sealed class PythonPeer : PeerProcess, ILibzmqPeer
{
    private PythonPeer(ProcessStartInfo info, string name)
        : base(info, name)
    {
    }

    /// <summary>Starts a libzmq socket of <paramref name="type"/> ("push", "pull", "dealer", ...) that
    /// binds (<paramref name="bind"/> true) or connects to <paramref name="endpoint"/>; with
    /// <paramref name="plain"/> ("plain-client" or "plain-server", and "USER:PASSWORD"), a PLAIN
    /// client or a PLAIN server that lets in only that user.</summary>
    public static PythonPeer Start(string type, bool bind, string endpoint, (string Role, string Credentials)? plain = null)
    {
        string script = Path.Combine(RepoRoot.Path, "tests", "interop", "python", "peer.py");
        var info = new ProcessStartInfo("/usr/bin/python3");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(type);
        info.ArgumentList.Add(bind ? "bind" : "connect");
        info.ArgumentList.Add(endpoint);
        if (plain is { } p)
        {
            info.ArgumentList.Add(p.Role);
            info.ArgumentList.Add(p.Credentials);
        }
        try
        {
            return new PythonPeer(info, $"peer.py {type} {(bind ? "bind" : "connect")} {endpoint}");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run /usr/bin/python3 ({e.Message}): the interop tests need python3-zmq (apt-get install python3-zmq)", e);
        }
    }

    public Task<string> WaitForReadyAsync(TimeSpan? timeout = null) => WaitForLineAsync("READY ", timeout);

    public Task SendFramesAsync(params byte[][] frames) => SendLineAsync($"SEND {string.Join(',', frames.Select(Convert.ToHexStringLower))}");

    public async Task<byte[][]> ReceiveFramesAsync(string what, TimeSpan? timeout = null) =>
        [.. (await WaitForLineAsync("MSG ", timeout)).Split(',').Select(Convert.FromHexString)];
}
