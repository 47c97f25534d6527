namespace Zmq.Perf.Libraries;

/// <summary>This project's CLIENT (connect side) or SERVER (bind side), through the public sync API an
/// application would pick for the row's message size: up to 64 bytes (stored inline, copied once, as
/// libzmq copies its very small messages) from and into one reused buffer; larger ones as pooled
/// <see cref="MessageBuffer"/>s, sent and received without a copy.</summary>
internal sealed class ZmqBenchSocket : IBenchSocket
{
    /// <summary>The largest payload this library stores inline.</summary>
    private const int InlineLimit = 64;

    private readonly byte[] _buffer = new byte[InlineLimit];
    private readonly bool _buffers;
    private readonly ClientSocket? _client;
    private readonly ServerSocket? _server;
    private readonly ThreadSafeSocket _socket;

    public ZmqBenchSocket(bool bindSide, int size)
    {
        if (bindSide)
        {
            _socket = _server = new ServerSocket();
        }
        else
        {
            _socket = _client = new ClientSocket();
        }
        _buffers = size > InlineLimit;
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

    public void Send(int length)
    {
        var client = _client ?? throw new InvalidOperationException("the SERVER side only echoes");
        if (length <= InlineLimit)
        {
            client.Send(_buffer.AsSpan(0, length));
            return;
        }
        var message = MessageBuffer.Rent(length);
        client.Send(ref message);
    }

    public int Receive()
    {
        if (!_buffers)
        {
            return _socket.Receive(_buffer).Length;
        }
        using var message = _socket.ReceiveBuffer();
        return message.Length;
    }

    public int Echo()
    {
        var server = _server!;
        if (!_buffers)
        {
            var m = server.Receive(_buffer);
            if (m.Length > 0)
            {
                server.Send(m.RoutingId, _buffer.AsSpan(0, m.Length));
            }
            return m.Length;
        }
        var message = server.ReceiveBuffer();
        int length = message.Length;
        if (length > 0)
        {
            server.Send(message.RoutingId, ref message);
        }
        message.Dispose();
        return length;
    }

    public void Dispose() => _socket.Dispose();
}
