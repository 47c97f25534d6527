using NetMQ;
using NetMQ.Sockets;

namespace Zmq.Perf.Libraries;

/// <summary>NetMQ's <see cref="NetMQ.Proxy"/> between an XSUB and an XPUB: its Start runs a poller on
/// the calling thread until Stop.</summary>
internal sealed class NetMQBenchProxy : IBenchProxy
{
    private readonly NetMQ.Sockets.XSubscriberSocket _frontend = new();
    private readonly NetMQ.Sockets.XPublisherSocket _backend = new();
    private NetMQ.Proxy? _proxy;
    private Thread? _thread;

    public (string Frontend, string Backend) Start(string frontend, string backend)
    {
        foreach (NetMQSocket socket in new NetMQSocket[] { _frontend, _backend })
        {
            socket.Options.SendHighWatermark = BenchSocketDefaults.Hwm;
            socket.Options.ReceiveHighWatermark = BenchSocketDefaults.Hwm;
            socket.Options.Linger = TimeSpan.Zero;
        }
        _frontend.Bind(frontend);
        string front = _frontend.Options.LastEndpoint ?? frontend;
        _backend.Bind(backend);
        string back = _backend.Options.LastEndpoint ?? backend;
        _proxy = new NetMQ.Proxy(_frontend, _backend);
        var started = _proxy;
        _thread = new Thread(() => started.Start()) { Name = "proxy", IsBackground = true };
        _thread.Start();
        return (front, back);
    }

    public void Dispose()
    {
        _proxy?.Stop();
        _thread?.Join(BenchSocketDefaults.Stall);
        _frontend.Dispose();
        _backend.Dispose();
    }
}
