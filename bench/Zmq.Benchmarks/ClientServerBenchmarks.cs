using BenchmarkDotNet.Attributes;

namespace Zmq.Benchmarks;

/// <summary>
/// The public API end to end in one process, per message: a CLIENT sends a batch to a SERVER over
/// loopback (or inproc), then the SERVER receives it. The batch stays below the high-water marks, so neither
/// side waits on the other's full queue. Allocated counts only this (the benchmark's) thread: the
/// library's I/O threads allocate too; bench/Zmq.Perf reports whole-process figures.
/// </summary>
[MemoryDiagnoser]
public class ClientServerBenchmarks : IDisposable
{
    private const int Batch = 256;

    private ServerSocket? _server;
    private ClientSocket? _client;
    private byte[] _payload = [];

    // inproc: the socket core's own cost per message, with no I/O thread in between.
    [Params("tcp", "ipc", "inproc")]
    public string Transport { get; set; } = "tcp";

    [Params(64, 1024, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[Size];
        _server = new ServerSocket { ReceiveTimeout = TimeSpan.FromSeconds(10), Linger = TimeSpan.Zero };
        _server.Bind(Transport switch
        {
            "ipc" => "ipc://*",
            "inproc" => $"inproc://bench-{Guid.NewGuid():N}",
            _ => "tcp://127.0.0.1:*",
        });
        _client = new ClientSocket { SendTimeout = TimeSpan.FromSeconds(10), Linger = TimeSpan.Zero };
        _client.Connect(_server.LastEndpoint!);
        // The first message waits for the connection; keep that out of the measurements.
        _client.Send(_payload);
        _server.Receive();
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int SendThenReceive()
    {
        for (int i = 0; i < Batch; i++)
        {
            _client!.Send(_payload);
        }
        int n = 0;
        for (int i = 0; i < Batch; i++)
        {
            n += _server!.Receive().Length;
        }
        return n;
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _client?.Dispose();
        _server?.Dispose();
        GC.SuppressFinalize(this);
    }
}
