using System.Runtime.InteropServices;
using System.Text;

namespace Zmq.Perf.Libraries;

/// <summary>The slice of libzmq's C API the benchmark calls (Debian's libzmq5, 4.3.x, no draft API).</summary>
internal static class LibZmqNative
{
    private const string Lib = "libzmq.so.5";

    public const int Pub = 1;
    public const int Sub = 2;
    public const int Req = 3;
    public const int Dealer = 5;
    public const int Router = 6;
    public const int Rep = 4;
    public const int Pull = 7;
    public const int Push = 8;
    public const int Pair = 0;
    public const int XPub = 9;
    public const int XSub = 10;

    public const int Subscribe = 6;
    public const int Linger = 17;
    public const int SndHwm = 23;
    public const int RcvHwm = 24;
    public const int RcvTimeo = 27;
    public const int SndTimeo = 28;
    public const int LastEndpoint = 32;
    public const int RcvMore = 13;
    public const int Backlog = 19;
    public const int CurveServer = 47;
    public const int CurvePublicKey = 48;
    public const int CurveSecretKey = 49;
    public const int CurveServerKey = 50;

    public const int SendMore = 2;

    /// <summary>zmq_ctx_set option: sockets a context may hold (default 1023).</summary>
    public const int MaxSockets = 2;

    public const int EIntr = 4;
    public const int EAgain = 11;

    /// <summary>True when the shared library can be loaded; the libzmq rows need it.</summary>
    public static bool IsAvailable(out string version)
    {
        version = "";
        if (!NativeLibrary.TryLoad(Lib, typeof(LibZmqNative).Assembly, null, out _))
        {
            return false;
        }
        zmq_version(out int major, out int minor, out int patch);
        version = $"{major}.{minor}.{patch}";
        return true;
    }

    /// <summary>A socket with the settings every libzmq row shares: the bench HWM both ways, no
    /// linger, and send/receive timeouts so a stuck peer fails its row instead of hanging it.</summary>
    public static IntPtr NewBenchSocket(IntPtr context, int type)
    {
        var socket = zmq_socket(context, type);
        if (socket == IntPtr.Zero)
        {
            throw new InvalidOperationException($"zmq_socket failed: {LastError()}");
        }
        SetInt(socket, SndHwm, BenchSocketDefaults.Hwm);
        SetInt(socket, RcvHwm, BenchSocketDefaults.Hwm);
        SetInt(socket, Linger, 0);
        SetInt(socket, SndTimeo, (int)BenchSocketDefaults.Stall.TotalMilliseconds);
        SetInt(socket, RcvTimeo, (int)BenchSocketDefaults.Stall.TotalMilliseconds);
        return socket;
    }

    public static void SetInt(IntPtr socket, int option, int value)
    {
        if (zmq_setsockopt(socket, option, ref value, sizeof(int)) != 0)
        {
            throw new InvalidOperationException($"zmq_setsockopt({option}) failed: {LastError()}");
        }
    }

    /// <summary>Binds and returns the bound endpoint (wildcards resolved).</summary>
    public static string BindSocket(IntPtr socket, string endpoint)
    {
        Check(zmq_bind(socket, Utf8z(endpoint)), "zmq_bind " + endpoint);
        var value = new byte[1024];
        nuint size = (nuint)value.Length;
        Check(zmq_getsockopt(socket, LastEndpoint, value, ref size), "zmq_getsockopt(ZMQ_LAST_ENDPOINT)");
        return Encoding.UTF8.GetString(value, 0, (int)size).TrimEnd('\0');
    }

    public static void Check(int rc, string call)
    {
        if (rc < 0)
        {
            throw new InvalidOperationException($"{call} failed: {LastError()}");
        }
    }

    /// <summary>NUL-terminated UTF-8, as libzmq takes endpoints.</summary>
    public static byte[] Utf8z(string s) => Encoding.UTF8.GetBytes(s + "\0");

    public static string LastError()
    {
        int errno = zmq_errno();
        return $"{Marshal.PtrToStringUTF8(zmq_strerror(errno))} (errno {errno})";
    }

    [DllImport(Lib)]
    public static extern void zmq_version(out int major, out int minor, out int patch);

    [DllImport(Lib)]
    public static extern IntPtr zmq_ctx_new();

    [DllImport(Lib)]
    public static extern int zmq_ctx_term(IntPtr context);

    [DllImport(Lib)]
    public static extern int zmq_ctx_set(IntPtr context, int option, int value);

    [DllImport(Lib)]
    public static extern IntPtr zmq_socket(IntPtr context, int type);

    [DllImport(Lib)]
    public static extern int zmq_close(IntPtr socket);

    [DllImport(Lib)]
    public static extern int zmq_setsockopt(IntPtr socket, int option, ref int value, nuint size);

    [DllImport(Lib)]
    public static extern int zmq_setsockopt(IntPtr socket, int option, byte[] value, nuint size);

    [DllImport(Lib)]
    public static extern int zmq_getsockopt(IntPtr socket, int option, byte[] value, ref nuint size);

    /// <summary>The endpoint is NUL-terminated UTF-8, passed as bytes so no string marshalling is involved.</summary>
    [DllImport(Lib)]
    public static extern int zmq_bind(IntPtr socket, byte[] endpoint);

    [DllImport(Lib)]
    public static extern int zmq_connect(IntPtr socket, byte[] endpoint);

    [DllImport(Lib)]
    public static extern int zmq_send(IntPtr socket, ref byte buffer, nuint length, int flags);

    [DllImport(Lib)]
    public static extern int zmq_recv(IntPtr socket, ref byte buffer, nuint length, int flags);

    /// <summary>zmq_msg_t is 64 opaque bytes; the harness keeps them in unmanaged memory.</summary>
    public const int MsgSize = 64;

    [DllImport(Lib)]
    public static extern int zmq_msg_init(IntPtr msg);

    [DllImport(Lib)]
    public static extern int zmq_msg_init_size(IntPtr msg, nuint size);

    [DllImport(Lib)]
    public static extern int zmq_msg_send(IntPtr msg, IntPtr socket, int flags);

    [DllImport(Lib)]
    public static extern int zmq_msg_recv(IntPtr msg, IntPtr socket, int flags);

    [DllImport(Lib)]
    public static extern nuint zmq_msg_size(IntPtr msg);

    [DllImport(Lib)]
    public static extern int zmq_msg_close(IntPtr msg);

    /// <summary>Forwards between the two sockets until the control socket receives TERMINATE.</summary>
    [DllImport(Lib)]
    public static extern int zmq_proxy_steerable(IntPtr frontend, IntPtr backend, IntPtr capture, IntPtr control);

    /// <summary>zmq_pollitem_t on a 64-bit Unix: the socket, an fd (unused here), the events asked
    /// for and those found.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollItem
    {
        public IntPtr Socket;
        public int Fd;
        public short Events;
        public short Revents;
    }

    public const short PollIn = 1;

    /// <summary>Waits up to <paramref name="timeout"/> ms for an item's events; the count of items ready.</summary>
    [DllImport(Lib)]
    public static extern int zmq_poll([In, Out] PollItem[] items, int count, long timeout);

    [DllImport(Lib)]
    public static extern int zmq_errno();

    [DllImport(Lib)]
    public static extern IntPtr zmq_strerror(int errnum);
}
