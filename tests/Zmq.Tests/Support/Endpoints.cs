using System.Net;
using System.Net.Sockets;

namespace Zmq.Tests.Support;

/// <summary>Endpoints that a test may bind, close and bind again without losing them to a test
/// running in parallel.</summary>
internal static class Endpoints
{
    // Linux hands out ephemeral ports (binds to port 0, outgoing connections) from 32768 up, so a
    // port below that is never taken by another test's wildcard bind or connection; this process
    // walks its own stretch of them.
    private const int First = 20000, Count = 12000;
    private static int _next = Environment.ProcessId * 97 % Count;

    /// <summary>A tcp endpoint on 127.0.0.1 that nothing listens on now and that no wildcard bind
    /// will take.</summary>
    public static string ReservedTcp()
    {
        for (int tries = 0; tries < 100; tries++)
        {
            int port = First + (Interlocked.Increment(ref _next) % Count);
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return $"tcp://127.0.0.1:{port}";
            }
            catch (SocketException)
            {
                // in use by something else: try the next
            }
        }
        throw new InvalidOperationException("no free port below the ephemeral range");
    }

    /// <summary>An ipc endpoint on a path of its own.</summary>
    public static string FreshIpc() => $"ipc://{Path.Combine(Path.GetTempPath(), $"zmq-test-{Guid.NewGuid():N}")}";

    /// <summary>An endpoint of the same transport as <paramref name="any"/> (a wildcard endpoint such
    /// as <c>tcp://127.0.0.1:*</c>) that nothing is bound to and that stays free to bind, unbind and
    /// bind again.</summary>
    public static string FreshLike(string any) =>
        any.StartsWith("tcp://", StringComparison.Ordinal) ? ReservedTcp()
        : any.StartsWith("ipc://", StringComparison.Ordinal) ? FreshIpc()
        : $"inproc://fresh-{Guid.NewGuid():N}";
}
