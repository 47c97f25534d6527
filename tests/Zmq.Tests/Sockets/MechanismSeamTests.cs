using Zmq.Engine.Mechanisms;
using Zmq.Messages;
using Zmq.Protocol;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>The connection's branch for a mechanism that transforms frames after the handshake (as
/// CURVE will): with a test mechanism that wraps every frame, everything must still arrive, and
/// every frame must have gone through the mechanism, none by the paths that copy bytes directly.</summary>
public sealed class MechanismSeamTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>NULL's handshake under its own name; afterwards each frame travels as a data frame
    /// holding the frame's flags and its body XOR-ed, so a frame that bypassed it would not parse.</summary>
    private sealed class XorMechanism(string socketType) : Mechanism
    {
        private const byte Key = 0x5A;
        private readonly NullMechanism _null = new(socketType);
        private int _encoded;
        private int _decoded;

        public int Encoded => Volatile.Read(ref _encoded);

        public int Decoded => Volatile.Read(ref _decoded);

        public override string Name => "X-XOR";

        public override bool LeavesFramesUnchanged => false;

        public override byte[]? NextHandshakeCommand() => _null.NextHandshakeCommand();

        public override void ProcessHandshakeCommand(in Frame frame)
        {
            _null.ProcessHandshakeCommand(frame);
            PeerProperties = _null.PeerProperties;
            Status = _null.Status;
        }

        public override byte[] Encode(byte flags, ReadOnlySpan<byte> body)
        {
            var wrapped = new byte[body.Length + 1];
            wrapped[0] = flags;
            for (int i = 0; i < body.Length; i++)
            {
                wrapped[i + 1] = (byte)(body[i] ^ Key);
            }
            Interlocked.Increment(ref _encoded);
            return base.Encode(0, wrapped);
        }

        public override Frame Decode(in Frame frame)
        {
            if (frame.IsCommand || frame.Length < 1)
            {
                throw new ProtocolException("X-XOR: a frame that was not wrapped");
            }
            byte flags = frame.Body[0];
            var body = new byte[frame.Length - 1];
            for (int i = 0; i < body.Length; i++)
            {
                body[i] = (byte)(frame.Body[i + 1] ^ Key);
            }
            if (frame.Pooled)
            {
                BufferPool.Return(frame.Body);
            }
            Interlocked.Increment(ref _decoded);
            return new Frame(flags, body);
        }
    }

    private static (ServerSocket Server, ClientSocket Client, List<XorMechanism> Mechanisms) Pair(int hwm = 1000, TimeSpan? heartbeat = null)
    {
        var mechanisms = new List<XorMechanism>();
        Mechanism Make(ZmqSocket s)
        {
            var m = new XorMechanism(s.SocketType);
            lock (mechanisms)
            {
                mechanisms.Add(m);
            }
            return m;
        }
        var server = new ServerSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, ReceiveHighWatermark = hwm, SendHighWatermark = hwm, HeartbeatInterval = heartbeat ?? TimeSpan.Zero, HeartbeatTimeout = Timeout };
        var client = new ClientSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, ReceiveHighWatermark = hwm, SendHighWatermark = hwm, HeartbeatInterval = heartbeat ?? TimeSpan.Zero, HeartbeatTimeout = Timeout };
        server.MechanismFactory = () => Make(server);
        client.MechanismFactory = () => Make(client);
        server.Bind("tcp://127.0.0.1:*");
        client.Connect(server.LastEndpoint!);
        return (server, client, mechanisms);
    }

    [Fact]
    public async Task MessagesOfEverySize_GoThroughTheMechanismBothWays()
    {
        var (server, client, mechanisms) = Pair();
        await using var s = server;
        await using var c = client;
        int[] sizes = [0, 1, 64, 65, 255, 256, 5000, 32 * 1024, 100_000, 1_000_000];
        foreach (int size in sizes)
        {
            byte[] data = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
            client.Send(data);
            var m = server.Receive();
            Assert.Equal(data, m.Span.ToArray());
            server.Send(m.RoutingId, data);
            Assert.Equal(data, client.Receive().Span.ToArray());
        }
        Assert.Equal(2, mechanisms.Count);
        // Each side's handshake counts nothing; every message after it is one encode and one decode.
        Assert.All(mechanisms, m => Assert.True(m.Encoded >= sizes.Length && m.Decoded >= sizes.Length, $"encoded {m.Encoded}, decoded {m.Decoded}"));
    }

    [Fact]
    public async Task ABurstPastTheHighWaterMark_ArrivesWholeAndInOrder()
    {
        // A full pipe is where senders flush and receivers read on their own threads: a transforming
        // mechanism must leave both to the connection's loops.
        var (server, client, _) = Pair(hwm: 16);
        await using var s = server;
        await using var c = client;
        const int Count = 5000;
        var sending = Task.Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                client.Send(BitConverter.GetBytes(i));
            }
        });
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal(i, BitConverter.ToInt32(server.Receive().Span.ToArray()));
        }
        await sending.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Heartbeats_GoThroughTheMechanism()
    {
        var (server, client, mechanisms) = Pair(heartbeat: TimeSpan.FromMilliseconds(20));
        await using var s = server;
        await using var c = client;
        client.Send("hello");
        var m = server.Receive();
        // Several PINGs and PONGs each way, every one wrapped: an unwrapped one would end the connection.
        // (A PONG late by more than the interval on a loaded machine must not: the timeout is long.)
        await Wait.UntilAsync(() => mechanisms.All(x => x.Decoded >= 5), "PINGs and PONGs went both ways");
        server.Send(m.RoutingId, "still here");
        Assert.Equal("still here", client.ReceiveString());
    }

    [Fact]
    public async Task APeerWithAnotherMechanism_IsRefusedByName()
    {
        await using var server = new ServerSocket { Linger = TimeSpan.Zero };
        var events = server.Monitor();
        server.Bind("tcp://127.0.0.1:*");
        await using var client = new ClientSocket { Linger = TimeSpan.Zero };
        client.MechanismFactory = () => new XorMechanism(client.SocketType);
        client.Connect(server.LastEndpoint!);
        var failed = await events.NextAsync(SocketEventType.HandshakeFailed);
        Assert.Equal("security mechanism mismatch: peer uses X-XOR, this socket uses NULL", failed.Reason);
    }
}
