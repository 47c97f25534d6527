namespace Zmq.Perf.Libraries;

/// <summary>This project's CLIENT (connect side) or SERVER (bind side), through its public sync API,
/// receiving into one reused buffer (as libzmq's perf tools reuse one zmq_msg_t).</summary>
internal sealed class ZmqBenchSocket : IBenchSocket
{
    private readonly byte[] _buffer = new byte[1024 * 1024];
    private readonly ClientSocket? _client;
    private readonly ServerSocket? _server;
    private readonly ZmqSocket _socket;

    public ZmqBenchSocket(bool bindSide)
    {
        if (bindSide)
        {
            _socket = _server = new ServerSocket();
        }
        else
        {
            _socket = _client = new ClientSocket();
        }
        _socket.SendHighWatermark = BenchSocketDefaults.Hwm;
        _socket.ReceiveHighWatermark = BenchSocketDefaults.Hwm;
        _socket.SendTimeout = BenchSocketDefaults.Stall;
        _socket.ReceiveTimeout = BenchSocketDefaults.Stall;
        // The harness closes a sender only after its receiver has reported, so nothing is left to deliver.
        _socket.Linger = TimeSpan.Zero;
    }

    public string Bind(string endpoint)
    {
        _socket.Bind(endpoint);
        return _socket.LastEndpoint!;
    }

    public void Connect(string endpoint) => _socket.Connect(endpoint);

    public void Send(ReadOnlySpan<byte> data)
    {
        if (_client is null)
        {
            throw new InvalidOperationException("the SERVER side only echoes");
        }
        _client.Send(data);
    }

    public int Receive() => _server is not null ? _server.Receive(_buffer).Length : _client!.Receive(_buffer).Length;

    public int Echo()
    {
        var m = _server!.Receive(_buffer);
        if (m.Length > 0)
        {
            _server.Send(m.RoutingId, _buffer.AsSpan(0, m.Length));
        }
        return m.Length;
    }

    public void Dispose() => _socket.Dispose();
}
