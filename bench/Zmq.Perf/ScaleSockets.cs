using System.Runtime.InteropServices;
using System.Text;
using Zmq.Perf.Libraries;
using static Zmq.Perf.Libraries.LibZmqNative;

namespace Zmq.Perf;

/// <summary>The scale workload's server: echoes each message to its sender and says who sent it.</summary>
internal interface IScaleServer : IDisposable
{
    string Bind(string endpoint);

    /// <summary>Receives one message, sends it back to its sender, and returns the sender's key.</summary>
    long EchoOne();

    /// <summary>Connected peers as the library counts them, or -1 where it has no such count.</summary>
    int PeerCount { get; }
}

/// <summary>One connection of the scale workload's client side.</summary>
internal interface IScaleClient : IDisposable
{
    void Connect(string endpoint);

    void Send(ReadOnlySpan<byte> data);

    int Receive();
}

internal static class ScaleSockets
{
    public static IScaleServer Server(Variant v) =>
        v.Library == Library.Zmq ? new ZmqScaleServer() : new LibZmqScaleServer();

    public static IScaleClient Client(Variant v, int perProcess) =>
        v.Library == Library.Zmq ? new ZmqScaleClient() : new LibZmqScaleClient(perProcess);

    /// <summary>Connections one client process holds: libzmq needs two descriptors per socket
    /// (connection and mailbox), so its clients are spread over processes to stay under the fd limit.</summary>
    public static int PerProcess(Variant v) => v.Library == Library.Zmq ? int.MaxValue : 4000;

    public static void Shutdown(Variant v)
    {
        if (v.Library == Library.LibZmq)
        {
            LibZmqContext.Shutdown();
        }
    }

    private static void Configure(ZmqSocket s)
    {
        s.SendHighWatermark = BenchSocketDefaults.Hwm;
        s.ReceiveHighWatermark = BenchSocketDefaults.Hwm;
        s.SendTimeout = BenchSocketDefaults.Stall;
        s.ReceiveTimeout = BenchSocketDefaults.Stall;
        s.Linger = TimeSpan.Zero;
    }

    private sealed class ZmqScaleServer : IScaleServer
    {
        private readonly ServerSocket _server = new() { Backlog = Scale.Backlog };

        public ZmqScaleServer() => Configure(_server);

        public int PeerCount => _server.Peers.Count;

        public string Bind(string endpoint)
        {
            _server.Bind(endpoint);
            return _server.LastEndpoint!;
        }

        public long EchoOne()
        {
            var m = _server.Receive();
            _server.Send(m.RoutingId, m.Span);
            return m.RoutingId;
        }

        public void Dispose() => _server.Dispose();
    }

    private sealed class ZmqScaleClient : IScaleClient
    {
        private readonly ClientSocket _client = new();

        public ZmqScaleClient() => Configure(_client);

        public void Connect(string endpoint) => _client.Connect(endpoint);

        public void Send(ReadOnlySpan<byte> data) => _client.Send(data);

        public int Receive() => _client.Receive().Length;

        public void Dispose() => _client.Dispose();
    }

    /// <summary>One context per process, sized for the sockets it must hold (libzmq's default is 1023).</summary>
    private static class LibZmqContext
    {
        private static IntPtr s_context;

        public static IntPtr Get(int sockets)
        {
            if (s_context == IntPtr.Zero)
            {
                s_context = zmq_ctx_new();
                if (s_context == IntPtr.Zero || zmq_ctx_set(s_context, MaxSockets, sockets + 16) != 0)
                {
                    throw new InvalidOperationException($"zmq_ctx_new/zmq_ctx_set failed: {LastError()}");
                }
            }
            return s_context;
        }

        public static void Shutdown()
        {
            if (s_context != IntPtr.Zero)
            {
                _ = zmq_ctx_term(s_context);
                s_context = IntPtr.Zero;
            }
        }
    }

    private abstract class LibZmqScaleSocket : IDisposable
    {
        /// <summary>Shared by all sockets of the process: each side of the scale workload uses its
        /// sockets from one thread, and thousands of per-socket buffers would swamp the memory figures.</summary>
        protected static readonly byte[] Buffer = new byte[BenchSocketDefaults.MaxMessage];
        protected IntPtr Socket;

        protected LibZmqScaleSocket(int type, int sockets)
        {
            Socket = NewBenchSocket(LibZmqContext.Get(sockets), type);
        }

        protected void SendFrame(ReadOnlySpan<byte> data, int flags)
        {
            while (zmq_send(Socket, ref MemoryMarshal.GetReference(data), (nuint)data.Length, flags) < 0)
            {
                Retry("zmq_send");
            }
        }

        protected int ReceiveFrame(Span<byte> into)
        {
            int n;
            while ((n = zmq_recv(Socket, ref MemoryMarshal.GetReference(into), (nuint)into.Length, 0)) < 0)
            {
                Retry("zmq_recv");
            }
            return n;
        }

        private static void Retry(string call)
        {
            int errno = zmq_errno();
            if (errno == EIntr)
            {
                return;
            }
            throw errno == EAgain
                ? new TimeoutException($"{call} did not complete within {BenchSocketDefaults.Stall.TotalSeconds} s")
                : new InvalidOperationException($"{call} failed: {LastError()}");
        }

        public void Dispose()
        {
            if (Socket != IntPtr.Zero)
            {
                _ = zmq_close(Socket);
                Socket = IntPtr.Zero;
            }
        }
    }

    /// <summary>ROUTER: each message arrives as [routing id, payload] and the reply goes out the same way.</summary>
    private sealed class LibZmqScaleServer : LibZmqScaleSocket, IScaleServer
    {
        private readonly byte[] _id = new byte[256];

        public LibZmqScaleServer()
            : base(Router, 1)
        {
            LibZmqNative.SetInt(Socket, LibZmqNative.Backlog, Scale.Backlog);
        }

        public int PeerCount => -1;

        public string Bind(string endpoint)
        {
            if (zmq_bind(Socket, Encoding.UTF8.GetBytes(endpoint + "\0")) != 0)
            {
                throw new InvalidOperationException($"zmq_bind failed: {LastError()}");
            }
            var value = new byte[1024];
            nuint size = (nuint)value.Length;
            _ = zmq_getsockopt(Socket, LastEndpoint, value, ref size);
            return Encoding.UTF8.GetString(value, 0, (int)size).TrimEnd('\0');
        }

        public long EchoOne()
        {
            int idLength = ReceiveFrame(_id);
            int n = ReceiveFrame(Buffer);
            SendFrame(_id.AsSpan(0, idLength), SendMore);
            SendFrame(Buffer.AsSpan(0, n), 0);
            // libzmq's generated ids are 5 bytes (a zero, then a 32-bit counter): they fit a long.
            long key = 0;
            foreach (byte b in _id.AsSpan(0, Math.Min(idLength, 8)))
            {
                key = (key << 8) | b;
            }
            return key;
        }
    }

    private sealed class LibZmqScaleClient(int perProcess) : LibZmqScaleSocket(Dealer, perProcess), IScaleClient
    {
        public void Connect(string endpoint)
        {
            if (zmq_connect(Socket, Encoding.UTF8.GetBytes(endpoint + "\0")) != 0)
            {
                throw new InvalidOperationException($"zmq_connect failed: {LastError()}");
            }
        }

        public void Send(ReadOnlySpan<byte> data) => SendFrame(data, 0);

        public int Receive() => ReceiveFrame(Buffer);
    }
}
