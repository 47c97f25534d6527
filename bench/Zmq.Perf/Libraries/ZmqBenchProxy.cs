namespace Zmq.Perf.Libraries;

/// <summary>This project's <see cref="Proxy"/> between an XSUB and an XPUB, stopped by cancellation.</summary>
internal sealed class ZmqBenchProxy : IBenchProxy
{
    private readonly XSubscriberSocket _frontend = new();
    private readonly XPublisherSocket _backend = new();
    private readonly CancellationTokenSource _stop = new();
    private Thread? _thread;

    public (string Frontend, string Backend) Start(string frontend, string backend)
    {
        foreach (ZmqSocket socket in new ZmqSocket[] { _frontend, _backend })
        {
            socket.SendHighWatermark = BenchSocketDefaults.Hwm;
            socket.ReceiveHighWatermark = BenchSocketDefaults.Hwm;
            socket.Linger = TimeSpan.Zero;
        }
        _frontend.Bind(frontend);
        _backend.Bind(backend);
        _thread = new Thread(Run) { Name = "proxy", IsBackground = true };
        _thread.Start();
        return (_frontend.LastEndpoint!, _backend.LastEndpoint!);
    }

    private void Run()
    {
        try
        {
            Proxy.Run(_frontend, _backend, cancellationToken: _stop.Token);
        }
        catch (OperationCanceledException)
        {
            // Disposed: the row is over.
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread?.Join(BenchSocketDefaults.Stall);
        _frontend.Dispose();
        _backend.Dispose();
        _stop.Dispose();
    }
}
