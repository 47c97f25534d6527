namespace Zmq.Perf.Libraries;

/// <summary>This project's sockets through the public sync API an application would pick for the
/// row's message size: up to 64 bytes (stored inline, copied once, as libzmq copies its very small
/// messages) from and into one reused buffer; larger ones as pooled <see cref="MessageBuffer"/>s,
/// sent and received without a copy. CLIENT sends and SERVER receives or echoes; PUSH sends and
/// PULL receives; for fan-out, PUB (bind side) publishes and SUBs subscribed to everything receive.</summary>
internal sealed class ZmqBenchSocket : IBenchSocket
{
    /// <summary>The largest payload this library stores inline.</summary>
    private const int InlineLimit = 64;

    private readonly byte[] _buffer;
    private readonly bool _buffers;
    private readonly ClientSocket? _client;
    private readonly ServerSocket? _server;
    private readonly PublisherSocket? _publisher;
    private readonly SubscriberSocket? _subscriber;
    private readonly PushSocket? _push;
    private readonly PullSocket? _pull;
    private readonly ZmqSocket _socket;

    public ZmqBenchSocket(Pattern pattern, bool bindSide, int size)
    {
        _socket = (pattern, bindSide) switch
        {
            (Pattern.ClientServer, true) => _server = new ServerSocket(),
            (Pattern.ClientServer, false) => _client = new ClientSocket(),
            (Pattern.PubSub, true) => _publisher = new PublisherSocket(),
            (Pattern.PubSub, false) => _subscriber = new SubscriberSocket(),
            (Pattern.PushPull, true) => _pull = new PullSocket(),
            (Pattern.PushPull, false) => _push = new PushSocket(),
            _ => throw new NotSupportedException($"no {pattern} here"),
        };
        _subscriber?.Subscribe("");
        // PUB and SUB have no pooled-buffer API: they copy to and from one buffer at every size.
        _buffers = size > InlineLimit && pattern is Pattern.ClientServer or Pattern.PushPull;
        _buffer = new byte[_buffers ? InlineLimit : Math.Max(size, InlineLimit)];
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
        if (_publisher is not null)
        {
            _publisher.Send(_buffer.AsSpan(0, length));
            return;
        }
        var sender = (ISendingSocket?)_client ?? _push ?? throw new InvalidOperationException("the bind side only receives or echoes");
        if (!_buffers)
        {
            sender.Send(_buffer.AsSpan(0, length));
            return;
        }
        var message = MessageBuffer.Rent(length);
        sender.Send(ref message);
    }

    public int Receive()
    {
        if (_subscriber is not null)
        {
            return _subscriber.Receive(_buffer).Length;
        }
        var socket = (IReceivingSocket?)_server ?? (IReceivingSocket?)_pull ?? _client!;
        if (!_buffers)
        {
            return socket.Receive(_buffer).Length;
        }
        using var message = socket.ReceiveBuffer();
        return message.Length;
    }

    public int Echo()
    {
        var server = _server ?? throw new InvalidOperationException("only a SERVER echoes");
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
