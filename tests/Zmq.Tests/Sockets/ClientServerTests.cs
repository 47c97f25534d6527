using System.Collections.Concurrent;
using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>The CLIENT/SERVER rules of RFC 41 and zmq_socket(3), over each transport.</summary>
public abstract class ClientServerTests : TransportTestBase
{
    [Fact]
    public async Task Server_TagsEachMessageWithTheSendersNonZeroRoutingId()
    {
        await using var server = BoundServer();
        await using var a = NewClient();
        await using var b = NewClient();
        var ids = ConnectAndLearnIds(server, ("a", a), ("b", b));
        Assert.NotEqual(0u, ids["a"]);
        Assert.NotEqual(0u, ids["b"]);
        Assert.NotEqual(ids["a"], ids["b"]);
    }

    [Fact]
    public async Task Server_ReplyByRoutingIdReachesOnlyThatClient()
    {
        await using var server = BoundServer();
        var clients = Enumerable.Range(0, 3).Select(_ => NewClient()).ToArray();
        try
        {
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i].Connect(server.LastEndpoint!);
                clients[i].Send($"client{i}");
            }
            for (int i = 0; i < clients.Length; i++)
            {
                var m = server.Receive();
                server.Send(m.RoutingId, "reply to " + m);
            }
            for (int i = 0; i < clients.Length; i++)
            {
                Assert.Equal($"reply to client{i}", clients[i].ReceiveString());
                Assert.False(clients[i].TryReceive(out _));
            }
        }
        finally
        {
            foreach (var c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Server_SendToUnknownRoutingIdThrowsHostUnreachable()
    {
        await using var server = BoundServer();
        var e = Assert.Throws<HostUnreachableException>(() => server.Send(12345, "x"u8));
        Assert.Equal(ZmqError.HostUnreachable, e.Error);
        Assert.Contains("12345", e.Message, StringComparison.Ordinal);
        Assert.Throws<HostUnreachableException>(() => server.TrySend(12345, "x"u8));
    }

    [Fact]
    public async Task Server_SendToRoutingIdZeroIsAnArgumentError()
    {
        await using var server = BoundServer();
        Assert.Throws<ArgumentOutOfRangeException>(() => server.Send(0, "x"u8));
    }

    [Fact]
    public async Task Server_SendToDepartedClientThrowsHostUnreachable()
    {
        await using var server = BoundServer();
        var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        uint id = server.Receive().RoutingId;
        server.Send(id, "still here");
        await client.DisposeAsync();
        await Support.Wait.UntilAsync(() => !server.Peers.Contains(id), "the server notices the client left");
        Assert.Throws<HostUnreachableException>(() => server.Send(id, "gone"u8));
    }

    [Fact]
    public async Task Client_SendsRoundRobinAcrossServers()
    {
        await using var s1 = BoundServer();
        await using var s2 = BoundServer();
        await using var client = NewClient();
        client.Connect(s1.LastEndpoint!);
        client.Connect(s2.LastEndpoint!);
        for (int i = 0; i < 10; i++)
        {
            client.Send($"{i}");
        }
        var got1 = Enumerable.Range(0, 5).Select(_ => int.Parse(s1.ReceiveString(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var got2 = Enumerable.Range(0, 5).Select(_ => int.Parse(s2.ReceiveString(), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([0, 2, 4, 6, 8], got1);
        Assert.Equal([1, 3, 5, 7, 9], got2);
    }

    [Fact]
    public async Task Client_FairQueuesRepliesFromAllServers()
    {
        await using var s1 = BoundServer();
        await using var s2 = BoundServer();
        await using var client = NewClient();
        client.Connect(s1.LastEndpoint!);
        client.Connect(s2.LastEndpoint!);
        client.Send("to s1");
        client.Send("to s2");
        var r1 = s1.Receive();
        var r2 = s2.Receive();
        for (int i = 0; i < 50; i++)
        {
            s1.Send(r1.RoutingId, "s1");
            s2.Send(r2.RoutingId, "s2");
        }
        var got = Enumerable.Range(0, 100).Select(_ => client.ReceiveString()).ToList();
        Assert.Equal(50, got.Count(x => x == "s1"));
        Assert.Equal(50, got.Count(x => x == "s2"));
    }

    [Fact]
    public async Task Client_MessagesSentBeforeAnyConnectionAreDeliveredOnceOneExists()
    {
        string endpoint = FreshEndpoint();
        await using var client = NewClient();
        client.Connect(endpoint);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(client.TrySend(Encoding.UTF8.GetBytes($"early {i}")));
        }
        await using var server = NewServer();
        server.Bind(endpoint);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal($"early {i}", server.ReceiveString());
        }
    }

    /// <summary>The size of the messages that fill a connection in the HWM tests, and of the kernel
    /// buffers set on both sockets there (Linux keeps twice that).</summary>
    private const int Large = 64 * 1024;

    /// <summary>Messages a full tcp or ipc connection holds beyond the two HWMs: the sender's send
    /// buffer and the receiver's receive buffer (2 × 128 KiB of kernel memory, 4 messages), the batch
    /// the write loop is sending and the message the read loop is reading (one each), and the one
    /// more the read loop may decode from its last read before it sees the queue is full.</summary>
    private const int InFlight = 7;

    /// <summary>False for inproc, where one queue of both HWMs added up joins the two sockets.</summary>
    protected virtual bool HasKernelBuffers => true;

    private static T WithSmallKernelBuffers<T>(T socket) where T : ZmqSocket
    {
        socket.SendBufferSize = Large;
        socket.ReceiveBufferSize = Large;
        return socket;
    }

    /// <summary>Sends <see cref="Large"/> messages, without waiting until one is refused and then
    /// waiting up to <paramref name="sender"/>'s SendTimeout each, until one such send times out: the
    /// path is full. Fails as soon as more were taken than the HWMs and the kernel buffers can hold
    /// (a limit that is not applied, or ten times too high); returns how many were taken.</summary>
    private async Task<int> FillUntilFullAsync(ZmqSocket sender, int sendHwm, int receiveHwm, Func<int, bool> trySend, Action<int> send)
    {
        int most = sendHwm + receiveHwm + (HasKernelBuffers ? InFlight : 0);
        int accepted = 0;
        void Taken()
        {
            accepted++;
            Assert.True(accepted <= most, $"{accepted} messages taken: more than the HWMs ({sendHwm} + {receiveHwm}) and the kernel can hold");
        }
        while (trySend(accepted))
        {
            Taken();
        }
        // A non-blocking send is refused only at the sender's HWM.
        Assert.True(accepted >= sendHwm, $"refused after {accepted} messages, below the HWM of {sendHwm}");
        if (!HasKernelBuffers)
        {
            // inproc: one queue, nothing between the sockets, so the limit is exact.
            Assert.Equal(sendHwm + receiveHwm, accepted);
            return accepted;
        }
        // The kernel may still take more as its buffers settle: a send that waits for its whole
        // timeout shows that nothing more fits.
        var timeout = sender.SendTimeout;
        sender.SendTimeout = TimeSpan.FromMilliseconds(50);
        try
        {
            while (true)
            {
                await Task.Yield();
                send(accepted);
                Taken();
            }
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            sender.SendTimeout = timeout;
        }
        return accepted;
    }

    [Fact]
    public async Task Client_AtHighWatermarkSendWaitsAndNeverDrops()
    {
        await using var server = WithSmallKernelBuffers(NewServer());
        server.ReceiveHighWatermark = 5;
        server.Bind(AnyEndpoint);
        await using var client = WithSmallKernelBuffers(NewClient());
        client.SendHighWatermark = 5;
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        Assert.Equal("hi", server.ReceiveString());
        var payload = new byte[Large];
        int accepted = await FillUntilFullAsync(client, 5, 5,
            n =>
            {
                payload[0] = (byte)n;
                return client.TrySend(payload);
            },
            n =>
            {
                payload[0] = (byte)n;
                client.Send(payload);
            });
        // A blocked Send completes once the server reads; nothing was dropped.
        var blocked = Support.Threads.Run(() => client.Send(new byte[] { 0xEE }));
        for (int i = 0; i < accepted; i++)
        {
            var m = server.Receive();
            Assert.Equal((byte)i, m.Span[0]);
        }
        await blocked.WaitAsync(Timeout);
        Assert.Equal(new byte[] { 0xEE }, server.Receive().Span.ToArray());
    }

    [Fact]
    public async Task Server_AtPeerHighWatermarkTrySendReturnsFalseAndSendWaits()
    {
        await using var server = WithSmallKernelBuffers(NewServer());
        server.SendHighWatermark = 3;
        server.Bind(AnyEndpoint);
        await using var client = WithSmallKernelBuffers(NewClient());
        client.ReceiveHighWatermark = 3;
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        uint id = server.Receive().RoutingId;
        var payload = new byte[Large];
        int accepted = await FillUntilFullAsync(server, 3, 3, _ => server.TrySend(id, payload), _ => server.Send(id, payload));
        var blocked = Support.Threads.Run(() => server.Send(id, "last"u8));
        for (int i = 0; i < accepted; i++)
        {
            Assert.Equal(payload.Length, client.Receive().Length);
        }
        await blocked.WaitAsync(Timeout);
        Assert.Equal("last", client.ReceiveString());
    }

    [Fact]
    public async Task Client_RefusesMultipartWithAClearException()
    {
        await using var client = NewClient();
        var e = Assert.Throws<NotSupportedException>(() => client.Send("part"u8, more: true));
        Assert.Contains("single-frame", e.Message, StringComparison.Ordinal);
        await using var server = NewServer();
        Assert.Throws<NotSupportedException>(() => server.Send(1, "part"u8, more: true));
    }

    [Fact]
    public async Task Client_ReconnectsAndDeliversMessagesQueuedWhileTheServerWasGone()
    {
        string endpoint = FreshEndpoint();
        var server = NewServer();
        server.Bind(endpoint);
        await using var client = NewClient();
        var events = client.Monitor();
        client.Connect(endpoint);
        client.Send("first");
        Assert.Equal("first", server.ReceiveString());
        await server.DisposeAsync();
        if (!Reconnects)
        {
            // inproc: the peer is gone for good, and with it the only queue.
            Assert.False(client.TrySend("nobody"u8));
            return;
        }

        // Sent once the client knows the server is gone: a message sent before that may go down the
        // dying connection and be lost with it, with libzmq as here.
        await events.NextAsync(SocketEventType.Disconnected);
        client.Send("while away");
        await using var again = NewServer();
        again.Bind(endpoint);
        Assert.Equal("while away", again.ReceiveString());
    }

    [Fact]
    public async Task ClosingLosesNothing_ClientDisposedRightAfterSending()
    {
        const int Count = 100_000;
        for (int round = 0; round < 20; round++)
        {
            await using var server = BoundServer();
            var client = NewClient();
            client.Linger = Timeout;
            client.Connect(server.LastEndpoint!);
            // The receiver runs meanwhile, as a real one would: Dispose may wait for it to make room.
            var receiving = Support.Threads.Run(() =>
            {
                for (int i = 0; i < Count; i++)
                {
                    var m = server.Receive();
                    Assert.Equal(i, BitConverter.ToInt32(m.Span));
                }
            });
            var payload = new byte[16];
            for (int i = 0; i < Count; i++)
            {
                BitConverter.TryWriteBytes(payload, i);
                client.Send(payload);
            }
            client.Dispose();
            await receiving.WaitAsync(Timeout);
        }
    }

    [Fact]
    public async Task ThreadSafety_ManyThreadsSendAndReceiveOnOneSocketWithoutLossOrDuplication()
    {
        const int Senders = 8, PerSender = 100_000, Receivers = 4;
        await using var server = BoundServer();
        await using var client = NewClient();
        await using var other = NewClient();
        client.Connect(server.LastEndpoint!);
        other.Connect(server.LastEndpoint!);

        // The server echoes from 4 threads at once.
        using var stop = new CancellationTokenSource();
        var echoes = Enumerable.Range(0, Receivers).Select(_ => Task.Run(async () =>
        {
            await foreach (var m in server.ReceiveAllAsync(stop.Token))
            {
                await server.SendAsync(m.RoutingId, m.Data);
            }
        })).ToArray();

        // A second client sends its own tagged messages: none of the first client's replies may reach it.
        // It receives while it sends: with only the HWMs between the sockets (inproc), a client that
        // stopped reading would block the server's echoes and, through them, everyone.
        var otherSends = Support.Threads.Run(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                other.Send(BitConverter.GetBytes(-1 - i));
            }
        });
        var otherDone = Support.Threads.Run(() =>
        {
            var seen = new HashSet<int>();
            for (int i = 0; i < 10_000; i++)
            {
                int v = BitConverter.ToInt32(other.Receive().Span);
                Assert.True(v < 0, "a reply meant for another client arrived");
                Assert.True(seen.Add(v), "duplicate reply");
            }
        });

        var sent = Enumerable.Range(0, Senders).Select(t => Support.Threads.Run(() =>
        {
            var buf = new byte[4];
            for (int i = 0; i < PerSender; i++)
            {
                BitConverter.TryWriteBytes(buf, t * PerSender + i);
                client.Send(buf);
            }
        })).ToArray();

        // Two receiving threads use the blocking API and two the async one.
        var received = new int[Senders * PerSender];
        int total = 0;
        using var allIn = new CancellationTokenSource();
        void Count(Message m)
        {
            Interlocked.Increment(ref received[BitConverter.ToInt32(m.Span)]);
            if (Interlocked.Increment(ref total) == Senders * PerSender)
            {
                allIn.Cancel();
            }
        }
        var receivers = Enumerable.Range(0, Receivers).Select(r => r % 2 == 0
            ? Support.Threads.Run(() =>
            {
                while (!allIn.IsCancellationRequested)
                {
                    if (client.TryReceive(out var m, TimeSpan.FromMilliseconds(100)))
                    {
                        Count(m);
                    }
                }
            })
            : Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        Count(await client.ReceiveAsync(allIn.Token));
                    }
                }
                catch (OperationCanceledException)
                {
                }
            })).ToArray();

        await Task.WhenAll(sent).WaitAsync(TimeSpan.FromMinutes(2));
        await Task.WhenAll(receivers).WaitAsync(TimeSpan.FromMinutes(2));
        await otherSends.WaitAsync(TimeSpan.FromMinutes(2));
        await otherDone.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(Senders * PerSender, Volatile.Read(ref total));
        Assert.All(received, c => Assert.Equal(1, c));
        await stop.CancelAsync();
    }


    [Fact]
    public async Task ThreadSafety_AReplyGoesToAWaitingReceiveCall_NotNecessarilyToTheThreadThatAsked()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hello");
        uint id = server.Receive().RoutingId;

        // One thread waits in a blocking receive; another sends a request and does not receive.
        var waiting = Support.Threads.Start(() => client.ReceiveString());
        await Support.Wait.UntilAsync(() => waiting.Thread.ThreadState.HasFlag(ThreadState.WaitSleepJoin), "the blocking receive waits");
        client.Send("request from another thread");
        Assert.Equal("request from another thread", server.ReceiveString());
        server.Send(id, "the reply");
        Assert.Equal("the reply", await waiting.Task.WaitAsync(Timeout));

        // The same with an async receive waiting while a blocking one asks.
        var waitingAsync = client.ReceiveAsync().AsTask();
        client.Send("request from a third thread");
        Assert.Equal("request from a third thread", server.ReceiveString());
        server.Send(id, "the second reply");
        Assert.Equal("the second reply", (await waitingAsync.WaitAsync(Timeout)).ToString());
    }

    [Fact]
    public async Task Receive_BlockedCallEndsWithObjectDisposedWhenTheSocketIsDisposed()
    {
        var server = BoundServer();
        server.ReceiveTimeout = System.Threading.Timeout.InfiniteTimeSpan;
        var receive = Support.Threads.Run(() => server.Receive());
        var receiveAsync = server.ReceiveAsync().AsTask();
        await Task.Yield();
        await server.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receive.WaitAsync(Timeout));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => receiveAsync.WaitAsync(Timeout));
    }

    [Fact]
    public async Task Send_OnADisposedSocketThrowsObjectDisposed()
    {
        var client = NewClient();
        await client.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(() => client.Send("x"));
        Assert.Throws<ObjectDisposedException>(() => client.Connect("tcp://127.0.0.1:1"));
    }

    [Fact]
    public async Task ReceiveTimeout_ExpiresWithTimeoutException()
    {
        await using var server = BoundServer();
        server.ReceiveTimeout = TimeSpan.FromMilliseconds(30);
        Assert.Throws<TimeoutException>(() => server.Receive());
        Assert.False(server.TryReceive(out _, TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public async Task ReceiveAsync_IsCancelledByItsToken()
    {
        await using var server = BoundServer();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await server.ReceiveAsync(cts.Token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65536)]
    [InlineData(1 << 20)]
    public async Task Messages_OfEverySizeArriveIntact(int size)
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var payload = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        await client.SendAsync(payload);
        var m = await server.ReceiveAsync();
        Assert.Equal(payload, m.Buffer);
        await server.SendAsync(m.RoutingId, m.Data);
        Assert.Equal(payload, (await client.ReceiveAsync()).Buffer);
    }

    [Fact]
    public async Task AReceivedMessage_CarriesItsConnectionsHandshakeProperties_ExceptOverInproc()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        client.Send("hi");
        var m = await server.ReceiveAsync();
        server.Send(m.RoutingId, "back");
        var back = await client.ReceiveAsync();
        if (AnyEndpoint.StartsWith("inproc:", StringComparison.Ordinal))
        {
            // As libzmq: an inproc pipe has no handshake, so nothing to tell.
            Assert.Null(m.Properties);
            Assert.Null(back.Properties);
            return;
        }
        Assert.Equal("CLIENT", m.Properties!.SocketType);
        Assert.Equal("SERVER", back.Properties!.SocketType);
        Assert.Equal(server.GetPeer(m.RoutingId)!.PeerAddress, m.Properties.PeerAddress);
        // Nothing authenticated the peer (the NULL mechanism): no user id.
        Assert.Null(m.Properties.UserId);
        Assert.False(m.Properties.ContainsKey(MessageProperties.UserIdName));
    }
}

public sealed class ClientServerOverTcp : ClientServerTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class ClientServerOverIpc : ClientServerTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class ClientServerOverInproc : ClientServerTests
{
    protected override string AnyEndpoint => $"inproc://client-server-{Guid.NewGuid():N}";

    protected override bool HasKernelBuffers => false;

    protected override bool Reconnects => false;
}
