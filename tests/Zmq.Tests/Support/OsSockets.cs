using System.Runtime.InteropServices;

namespace Zmq.Tests.Support;

/// <summary>Reads options back from the kernel's own sockets of this process (Linux): each open file
/// descriptor that is a socket is matched by its local or peer TCP port, then asked with
/// getsockopt. This sees what the OS applied, whatever the library believes it set.</summary>
internal static partial class OsSockets
{
    public const int SolSocket = 1, SoSndbuf = 7, SoRcvbuf = 8, SoKeepalive = 9, SoAcceptconn = 30;
    public const int IpprotoIp = 0, IpTos = 1;
    public const int IpprotoTcp = 6, TcpKeepidle = 4, TcpKeepintvl = 5, TcpKeepcnt = 6;

    [DllImport("libc", SetLastError = true)]
    private static extern int getsockopt(int fd, int level, int name, ref int value, ref int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int getsockname(int fd, byte[] address, ref int length);

    [DllImport("libc", SetLastError = true)]
    private static extern int getpeername(int fd, byte[] address, ref int length);

    public static int Get(int fd, int level, int name)
    {
        int value = 0, length = sizeof(int);
        if (getsockopt(fd, level, name, ref value, ref length) != 0)
        {
            throw new InvalidOperationException($"getsockopt({fd}, {level}, {name}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return value;
    }

    /// <summary>The descriptors of this process's connections (not listeners) to or from a bound
    /// endpoint (<c>tcp://host:port</c> or <c>ipc:///path</c>): those accepted there, whose own address
    /// it is, and those dialled to it, whose peer address it is.</summary>
    public static (List<int> Accepted, List<int> Dialled) ConnectionsOf(string boundEndpoint)
    {
        string key = boundEndpoint.StartsWith("ipc://", StringComparison.Ordinal)
            ? "unix:" + boundEndpoint["ipc://".Length..]
            : "port:" + boundEndpoint[(boundEndpoint.LastIndexOf(':') + 1)..];
        var accepted = new List<int>();
        var dialled = new List<int>();
        foreach (var fd in SocketDescriptors())
        {
            if (Address(fd, getsockname) == key && Get(fd, SolSocket, SoAcceptconn) == 0)
            {
                accepted.Add(fd);
            }
            else if (Address(fd, getpeername) == key)
            {
                dialled.Add(fd);
            }
        }
        return (accepted, dialled);
    }

    private delegate int NameCall(int fd, byte[] address, ref int length);

    /// <summary>A socket's local or peer address as "port:N" (TCP) or "unix:path", or null.</summary>
    private static string? Address(int fd, NameCall call)
    {
        var address = new byte[128];
        int length = address.Length;
        if (call(fd, address, ref length) != 0 || length < 2)
        {
            return null;
        }
        return BitConverter.ToUInt16(address, 0) switch
        {
            2 or 10 => $"port:{address[2] << 8 | address[3]}",
            1 when length > 2 => "unix:" + System.Text.Encoding.UTF8.GetString(address, 2, length - 2).TrimEnd('\0'),
            _ => null,
        };
    }

    private static IEnumerable<int> SocketDescriptors()
    {
        foreach (var path in Directory.GetFiles("/proc/self/fd"))
        {
            string? target;
            try
            {
                target = new FileInfo(path).LinkTarget;
            }
            catch (IOException)
            {
                continue; // closed meanwhile
            }
            if (target != null && target.StartsWith("socket:", StringComparison.Ordinal))
            {
                yield return int.Parse(Path.GetFileName(path), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
    }
}
