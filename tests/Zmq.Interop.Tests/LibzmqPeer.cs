namespace Zmq.Interop.Tests;

/// <summary>A socket of a real libzmq in a child process, whichever build: libzmq 4.3.5 through
/// zeromq.js (<see cref="NodePeer"/>, with the draft types) or Debian's 4.3.4 through python3-zmq
/// (<see cref="PythonPeer"/>, classic types only).</summary>
internal interface ILibzmqPeer : IAsyncDisposable
{
    /// <summary>Waits until the peer has bound or started connecting; returns its endpoint.</summary>
    Task<string> WaitForReadyAsync(TimeSpan? timeout = null);

    /// <summary>The peer sends one message of these frames.</summary>
    Task SendFramesAsync(params byte[][] frames);

    /// <summary>Every frame of the next message the peer received.</summary>
    Task<byte[][]> ReceiveFramesAsync(string what, TimeSpan? timeout = null);
}

internal static class LibzmqPeer
{
    /// <summary>The builds a classic-type interop test runs against: "4.3.5" (zeromq.js) and "4.3.4" (Debian).</summary>
    public static readonly TheoryData<string, string> BuildsAndTransports = new()
    {
        { "4.3.5", "tcp" },
        { "4.3.5", "ipc" },
        { "4.3.4", "tcp" },
        { "4.3.4", "ipc" },
    };

    /// <summary>Starts a libzmq socket of <paramref name="type"/> of that build, binding or connecting.</summary>
    public static ILibzmqPeer Start(string build, string type, bool bind, string endpoint) => build switch
    {
        "4.3.5" => NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = type, Bind = bind ? endpoint : null, Connect = bind ? null : endpoint }),
        "4.3.4" => PythonPeer.Start(type, bind, endpoint),
        _ => throw new ArgumentOutOfRangeException(nameof(build), build, "use 4.3.5 (zeromq.js) or 4.3.4 (Debian's libzmq)"),
    };
}
