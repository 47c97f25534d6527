using NetMQ;
using NetMQ.Sockets;
// This namespace sits inside Zmq, whose own CLIENT/SERVER types would win over the usings.
using NetMQClientSocket = NetMQ.Sockets.ClientSocket;
using NetMQPublisherSocket = NetMQ.Sockets.PublisherSocket;
using NetMQServerSocket = NetMQ.Sockets.ServerSocket;
using NetMQSubscriberSocket = NetMQ.Sockets.SubscriberSocket;
using NetMQThreadSafeSocket = NetMQ.ThreadSafeSocket;

namespace Zmq.Perf.Libraries;

/// <summary>
/// NetMQ 4.0.4.5 sockets through its Msg API: sends fill a pooled Msg in place, receives read one
/// without copying it out, and echoes send the received Msg back as it is. Every Msg buffer comes
/// from NetMQ's process-wide <see cref="BufferPool"/>: by default a new array each time (its
/// GCBufferPool), or, for the pooled variants, its BufferManagerBufferPool.
/// </summary>
internal abstract class NetMQBenchSocket : IBenchSocket
{
    /// <summary>What NetMQ's BufferManagerBufferPool may keep: four high-water marks of the largest
    /// row's 64 KiB messages, i.e. the sending and the receiving queue of a one-process row, twice
    /// over for what the I/O threads and the kernel hold. A limit, not an allocation: the pool
    /// grows a bucket only as takes miss.</summary>
    private const long PoolBytes = 4L * BenchSocketDefaults.Hwm * 65536;

    private static bool s_pooled;

    /// <summary>Installs NetMQ's BufferManagerBufferPool (documented by NetMQ as the way to pool
    /// Msg buffers) before the process's first NetMQ socket, with buffers up to the largest
    /// message the harness sends, so every row's payload is pooled.</summary>
    public static void UseBufferManagerPool()
    {
        if (!s_pooled)
        {
            BufferPool.SetBufferManagerBufferPool(PoolBytes, BenchSocketDefaults.MaxMessage);
            s_pooled = true;
        }
    }

    /// <summary>The buffer pool is process-wide, so a socket of the other kind in this process would
    /// silently measure the wrong thing.</summary>
    public static NetMQBenchSocket Create(Pattern pattern, bool bindSide, bool pooled)
    {
        if (pooled != s_pooled)
        {
            throw new InvalidOperationException(pooled
                ? "the pooled NetMQ variant needs Variant.Setup() in its process before its first socket"
                : "NetMQ's buffer pool was switched to pooling in this process; the default variant needs a process of its own");
        }
        return pattern switch
        {
            Pattern.ClientServer => new ThreadSafe(bindSide ? new NetMQServerSocket() : new NetMQClientSocket()),
            Pattern.PushPull => new Classic(bindSide ? new NetMQ.Sockets.PullSocket() : new NetMQ.Sockets.PushSocket()),
            Pattern.ScatterGather => new ThreadSafe(bindSide ? new NetMQ.Sockets.GatherSocket() : new NetMQ.Sockets.ScatterSocket()),
            Pattern.PubSub => new Classic(bindSide ? new NetMQPublisherSocket() : Everything(new NetMQSubscriberSocket())),
            Pattern.DealerRouter => new Classic(bindSide ? new NetMQ.Sockets.RouterSocket() : new NetMQ.Sockets.DealerSocket()) { Routed = bindSide },
            Pattern.RadioDish => bindSide ? new ThreadSafe(new NetMQ.Sockets.RadioSocket()) { Group = GroupName } : new ThreadSafe(Joined(new NetMQ.Sockets.DishSocket())),
            Pattern.PolledPair => new Classic(new NetMQ.Sockets.PairSocket()),
            _ => new Classic(bindSide ? new NetMQ.Sockets.ResponseSocket() : new NetMQ.Sockets.RequestSocket()),
        };
    }

    /// <summary>The one group of the RADIO/DISH rows.</summary>
    private const string GroupName = "g";

    private static NetMQ.Sockets.DishSocket Joined(NetMQ.Sockets.DishSocket dish)
    {
        dish.Join(GroupName);
        return dish;
    }

    private static NetMQSubscriberSocket Everything(NetMQSubscriberSocket sub)
    {
        sub.SubscribeToAnyTopic();
        return sub;
    }

    /// <summary>Stops NetMQ's I/O threads; without it they outlive the last socket.</summary>
    public static void Shutdown() => NetMQConfig.Cleanup(block: false);

    public abstract string Bind(string endpoint);

    public abstract void Connect(string endpoint);

    public void Send(int length)
    {
        var msg = default(Msg);
        msg.InitPool(length);
        if (Group is not null)
        {
            msg.Group = Group;
        }
        SendMsg(ref msg);
    }

    /// <summary>A ROUTER: each message starts with the sender's identity frame, read past.</summary>
    protected bool Routed { get; init; }

    /// <summary>A RADIO: the group each message is sent to.</summary>
    protected string? Group { get; init; }

    /// <summary>The classic socket itself, for a selector.</summary>
    public virtual NetMQSocket Socket => throw new NotSupportedException("only classic sockets can be selected on");

    public int Receive()
    {
        var msg = default(Msg);
        msg.InitEmpty();
        if (Routed)
        {
            ReceiveMsg(ref msg);
        }
        ReceiveMsg(ref msg);
        int n = msg.Size;
        msg.Close();
        return n;
    }

    public int Echo()
    {
        var msg = default(Msg);
        msg.InitEmpty();
        ReceiveMsg(ref msg);
        int n = msg.Size;
        if (n == 0)
        {
            msg.Close();
        }
        else
        {
            // SERVER routes by the routing id the received Msg carries; REP by its request envelope.
            SendMsg(ref msg);
        }
        return n;
    }

    public abstract void Dispose();

    protected abstract bool TrySend(ref Msg msg);

    protected abstract bool TryReceive(ref Msg msg);

    private void SendMsg(ref Msg msg)
    {
        if (!TrySend(ref msg))
        {
            msg.Close();
            throw new TimeoutException($"NetMQ send did not complete within {BenchSocketDefaults.Stall.TotalSeconds} s");
        }
    }

    private void ReceiveMsg(ref Msg msg)
    {
        if (!TryReceive(ref msg))
        {
            msg.Close();
            throw new TimeoutException($"NetMQ receive got nothing within {BenchSocketDefaults.Stall.TotalSeconds} s");
        }
    }

    private sealed class Classic : NetMQBenchSocket
    {
        private readonly NetMQSocket _socket;

        public Classic(NetMQSocket socket)
        {
            _socket = socket;
            _socket.Options.SendHighWatermark = BenchSocketDefaults.Hwm;
            _socket.Options.ReceiveHighWatermark = BenchSocketDefaults.Hwm;
            _socket.Options.Linger = TimeSpan.Zero;
        }

        public override string Bind(string endpoint)
        {
            _socket.Bind(endpoint);
            return _socket.Options.LastEndpoint ?? endpoint;
        }

        public override void Connect(string endpoint) => _socket.Connect(endpoint);

        public override NetMQSocket Socket => _socket;

        protected override bool TrySend(ref Msg msg) => _socket.TrySend(ref msg, BenchSocketDefaults.Stall, more: false);

        protected override bool TryReceive(ref Msg msg) => _socket.TryReceive(ref msg, BenchSocketDefaults.Stall);

        public override void Dispose() => _socket.Dispose();
    }

    private sealed class ThreadSafe : NetMQBenchSocket
    {
        private readonly NetMQThreadSafeSocket _socket;

        public ThreadSafe(NetMQThreadSafeSocket socket)
        {
            _socket = socket;
            _socket.Options.SendHighWatermark = BenchSocketDefaults.Hwm;
            _socket.Options.ReceiveHighWatermark = BenchSocketDefaults.Hwm;
            _socket.Options.Linger = TimeSpan.Zero;
        }

        public override string Bind(string endpoint)
        {
            _socket.Bind(endpoint);
            return _socket.Options.LastEndpoint ?? endpoint;
        }

        public override void Connect(string endpoint) => _socket.Connect(endpoint);

        protected override bool TrySend(ref Msg msg) => _socket.TrySend(ref msg, BenchSocketDefaults.Stall);

        protected override bool TryReceive(ref Msg msg) => _socket.TryReceive(ref msg, BenchSocketDefaults.Stall, CancellationToken.None);

        public override void Dispose() => _socket.Dispose();
    }
}
