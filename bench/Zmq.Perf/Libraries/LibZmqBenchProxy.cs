using System.Text;
using static Zmq.Perf.Libraries.LibZmqNative;

namespace Zmq.Perf.Libraries;

/// <summary>libzmq's own forwarder, <c>zmq_proxy_steerable</c>, between an XSUB and an XPUB: the
/// forwarding loop is libzmq's native code; a PAIR over inproc tells it to TERMINATE.</summary>
internal sealed class LibZmqBenchProxy : IBenchProxy
{
    private readonly IntPtr _frontend = NewBenchSocket(LibZmqBenchSocket.Context(), XSub);
    private readonly IntPtr _backend = NewBenchSocket(LibZmqBenchSocket.Context(), XPub);
    private readonly IntPtr _control = NewBenchSocket(LibZmqBenchSocket.Context(), Pair);
    private readonly IntPtr _steer = NewBenchSocket(LibZmqBenchSocket.Context(), Pair);
    private Thread? _thread;

    public (string Frontend, string Backend) Start(string frontend, string backend)
    {
        string control = $"inproc://proxy-control-{Guid.NewGuid():N}";
        Check(zmq_bind(_control, Utf8z(control)), "zmq_bind " + control);
        Check(zmq_connect(_steer, Utf8z(control)), "zmq_connect " + control);
        string front = BindSocket(_frontend, frontend);
        string back = BindSocket(_backend, backend);
        // Returns 0 once told TERMINATE; anything else is over with the row too.
        _thread = new Thread(() => _ = zmq_proxy_steerable(_frontend, _backend, IntPtr.Zero, _control)) { Name = "proxy", IsBackground = true };
        _thread.Start();
        return (front, back);
    }

    public void Dispose()
    {
        if (_thread is not null)
        {
            byte[] terminate = Encoding.ASCII.GetBytes("TERMINATE");
            _ = zmq_send(_steer, ref terminate[0], (nuint)terminate.Length, 0);
            _thread.Join(BenchSocketDefaults.Stall);
        }
        foreach (var socket in new[] { _frontend, _backend, _control, _steer })
        {
            _ = zmq_close(socket);
        }
    }
}
