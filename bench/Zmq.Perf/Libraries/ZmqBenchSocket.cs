namespace Zmq.Perf.Libraries;

/// <summary>This project's sockets through the public sync API an application would pick for the
/// row's message size: up to 64 bytes (stored inline, copied once, as libzmq copies its very small
/// messages) from and into one reused buffer; larger ones as pooled <see cref="MessageBuffer"/>s,
/// sent and received without a copy. CLIENT sends and SERVER receives or echoes; PUSH sends and
/// PULL receives; REQ asks and REP echoes; DEALER sends and ROUTER receives; for fan-out, PUB (bind side) publishes and SUBs subscribed to everything receive,
/// or RADIO sends to one group that every DISH joined; PAIR asks and answers. Over udp a DISH
/// binds and a RADIO connects, the other way round from the harness's sides: the RADIO's
/// <see cref="Bind"/> connects to a free port, and the DISH's <see cref="Connect"/> binds it.</summary>
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
    private readonly ScatterSocket? _scatter;
    private readonly GatherSocket? _gather;
    private readonly RequestSocket? _req;
    private readonly ResponseSocket? _rep;
    private readonly DealerSocket? _dealer;
    private readonly RouterSocket? _router;
    private readonly RadioSocket? _radio;
    private readonly DishSocket? _dish;
    private readonly PairSocket? _pair;
    private readonly ZmqSocket _socket;

    /// <summary>Where a message goes out or comes in through one plain call (a single-frame body
    /// copied from or into <see cref="_buffer"/>); null where the type needs more (a group, an
    /// identity frame, a pooled buffer).</summary>
    private readonly ISendingSocket? _plainSender;
    private readonly IReceivingSocket? _plainReceiver;

    public ZmqBenchSocket(Pattern pattern, bool bindSide, int size, bool curve = false)
    {
        _socket = (pattern, bindSide) switch
        {
            (Pattern.ClientServer, true) => _server = new ServerSocket(),
            (Pattern.ClientServer, false) => _client = new ClientSocket(),
            (Pattern.PubSub, true) => _publisher = new PublisherSocket(),
            (Pattern.PubSub, false) => _subscriber = new SubscriberSocket(),
            (Pattern.PushPull, true) => _pull = new PullSocket(),
            (Pattern.PushPull, false) => _push = new PushSocket(),
            (Pattern.ScatterGather, true) => _gather = new GatherSocket(),
            (Pattern.ScatterGather, false) => _scatter = new ScatterSocket(),
            (Pattern.ReqRep, true) => _rep = new ResponseSocket(),
            (Pattern.ReqRep, false) => _req = new RequestSocket(),
            (Pattern.DealerRouter, true) => _router = new RouterSocket(),
            (Pattern.DealerRouter, false) => _dealer = new DealerSocket(),
            (Pattern.RadioDish, true) => _radio = new RadioSocket(),
            (Pattern.RadioDish, false) => _dish = new DishSocket(),
            (Pattern.PolledPair, _) => _pair = new PairSocket(),
            _ => throw new NotSupportedException($"no {pattern} here"),
        };
        _subscriber?.Subscribe("");
        _dish?.Join(Group);
        // PUB and SUB have no pooled-buffer API: they copy to and from one buffer at every size.
        _buffers = size > InlineLimit && pattern is not Pattern.PubSub;
        _buffer = new byte[_buffers ? InlineLimit : Math.Max(size, InlineLimit)];
        if (!_buffers)
        {
            _plainSender = Sender;
            _plainReceiver = _router is null && _subscriber is null ? Receiver : null;
        }
        _socket.SendHighWatermark = BenchSocketDefaults.Hwm;
        _socket.ReceiveHighWatermark = BenchSocketDefaults.Hwm;
        _socket.SendTimeout = BenchSocketDefaults.Stall;
        _socket.ReceiveTimeout = BenchSocketDefaults.Stall;
        // The harness closes a sender only after its receiver has reported, so nothing is left to deliver.
        _socket.Linger = TimeSpan.Zero;
        if (curve && bindSide)
        {
            _socket.CurveServer = true;
            _socket.CurveCertificate = CurveKeyPair.FromSecretKey(Variant.CurveServerSecret);
        }
        else if (curve)
        {
            _socket.CurveServerKey = CurveKeyPair.ParseKey(Variant.CurveServerPublic);
            _socket.CurveCertificate = CurveKeyPair.FromSecretKey(Variant.CurveClientSecret);
        }
    }

    /// <summary>The one group of the RADIO/DISH rows.</summary>
    private const string Group = "g";

    /// <summary>The socket itself, for a poller.</summary>
    public ZmqSocket Socket => _socket;

    public string Bind(string endpoint)
    {
        if (_radio is not null && endpoint.StartsWith("udp://", StringComparison.Ordinal))
        {
            string target = $"udp://127.0.0.1:{FreeUdpPort()}";
            // udp has no flow control: without NoDrop the RADIO's thread would publish into its full
            // queue as fast as a core goes, and on two cores starve the DISH it is measured by. With
            // it the RADIO goes at the pace of its udp writes; the DISH's socket buffer still drops.
            _radio.NoDrop = true;
            _radio.Connect(target);
            return target;
        }
        _socket.Bind(endpoint);
        return _socket.LastEndpoint!;
    }

    public void Connect(string endpoint)
    {
        if (_dish is not null && endpoint.StartsWith("udp://", StringComparison.Ordinal))
        {
            _dish.Bind(endpoint);
            return;
        }
        _socket.Connect(endpoint);
    }

    private static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    public void Send(int length)
    {
        // The one call an application's send loop makes, and no more: the type is resolved once
        // (_plainSender), so the row measures the library, not this class's dispatch.
        if (_plainSender is { } sender)
        {
            sender.Send(_buffer.AsSpan(0, length));
            return;
        }
        SendOther(length);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void SendOther(int length)
    {
        if (_publisher is not null)
        {
            _publisher.Send(_buffer.AsSpan(0, length));
            return;
        }
        if (_radio is not null)
        {
            if (!_buffers)
            {
                _radio.Send(Group, _buffer.AsSpan(0, length));
                return;
            }
            var pooled = MessageBuffer.Rent(length);
            _radio.Send(Group, ref pooled);
            return;
        }
        // Up to 64 B a sending type went by _plainSender: here are pooled buffers.
        var sender = Sender ?? throw new InvalidOperationException("the bind side only receives or echoes");
        var message = MessageBuffer.Rent(length);
        sender.Send(ref message);
    }

    private ISendingSocket? Sender => (ISendingSocket?)_client ?? (ISendingSocket?)_push ?? (ISendingSocket?)_scatter ?? (ISendingSocket?)_req ?? (ISendingSocket?)_dealer ?? (ISendingSocket?)_pair;

    public int Receive()
    {
        if (_plainReceiver is { } receiver)
        {
            return receiver.Receive(_buffer).Length;
        }
        return ReceiveOther();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private int ReceiveOther()
    {
        if (_subscriber is not null)
        {
            return _subscriber.Receive(_buffer).Length;
        }
        if (_router is not null)
        {
            // The identity frame first (5 bytes, made by the ROUTER), then the body.
            _router.Receive(_buffer);
        }
        var socket = Receiver!;
        if (!_buffers)
        {
            return socket.Receive(_buffer).Length;
        }
        using var message = socket.ReceiveBuffer();
        return message.Length;
    }

    private IReceivingSocket? Receiver => (IReceivingSocket?)_server ?? (IReceivingSocket?)_pull ?? (IReceivingSocket?)_gather ?? (IReceivingSocket?)_router ?? (IReceivingSocket?)_req
        ?? (IReceivingSocket?)_rep ?? (IReceivingSocket?)_dish ?? (IReceivingSocket?)_pair ?? _client;

    public int Echo()
    {
        if (_rep is not null || _pair is not null)
        {
            return _rep is not null ? EchoReply(_rep) : EchoReply(_pair!);
        }
        var server = _server ?? throw new InvalidOperationException("only a SERVER, a REP or a PAIR echoes");
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

    /// <summary>REP: the request goes back as the reply (REP keeps the envelope); PAIR: back to its one peer.</summary>
    private int EchoReply<T>(T rep)
        where T : IReceivingSocket, ISendingSocket
    {
        if (!_buffers)
        {
            int n = rep.Receive(_buffer).Length;
            if (n > 0)
            {
                rep.Send(_buffer.AsSpan(0, n));
            }
            return n;
        }
        var message = rep.ReceiveBuffer();
        int length = message.Length;
        if (length > 0)
        {
            rep.Send(ref message);
        }
        message.Dispose();
        return length;
    }

    public void Dispose() => _socket.Dispose();
}
