namespace Zmq.Tests.Sockets;

/// <summary>Sending and receiving pooled buffers: the payload arrives whole at every size, ownership
/// passes exactly as documented, and a stream of them allocates nothing on either side.</summary>
public abstract class MessageBufferTests : TransportTestBase
{
    // 64 is the largest inline payload, 65 the smallest pooled one, 100,000 goes the large-frame path.
    public static TheoryData<int> Sizes => new(0, 1, 64, 65, 1000, 100_000);

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task SendingABuffer_EmptiesTheVariableAndDeliversThePayload(int size)
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var payload = Payload(size, seed: 5);

        for (int round = 0; round < 2; round++)
        {
            var outgoing = MessageBuffer.Rent(size);
            payload.CopyTo(outgoing.Span);
            client.Send(ref outgoing);
            Assert.False(outgoing.IsAllocated, "the library owns a sent buffer");

            var got = server.ReceiveBuffer();
            Assert.True(payload.AsSpan().SequenceEqual(got.Span), $"payload differs in round {round}");
            Assert.NotEqual(0u, got.RoutingId);

            // A received buffer goes back as it is.
            server.Send(got.RoutingId, ref got);
            Assert.False(got.IsAllocated);
            using var reply = await client.ReceiveBufferAsync();
            Assert.Equal(size, reply.Length);
            Assert.True(payload.AsSpan().SequenceEqual(reply.Span), $"reply differs in round {round}");
            Assert.Equal(0u, reply.RoutingId);
        }
    }

    [Fact]
    public async Task SendAsyncAndTrySend_TakeTheBufferAndTryReceiveBufferGetsIt()
    {
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var first = MessageBuffer.Rent(500);
        first.Span.Fill(1);
        await client.SendAsync(ref first);
        Assert.False(first.IsAllocated);
        var second = MessageBuffer.Rent(10);
        second.Span.Fill(2);
        Assert.True(client.TrySend(ref second));
        Assert.False(second.IsAllocated);

        var got = server.ReceiveBuffer();
        Assert.True(got.Span.ToArray().All(b => b == 1) && got.Length == 500);
        got.Dispose();
        await Support.Wait.UntilAsync(() => server.TryReceiveBuffer(out got), "the second message arrives");
        Assert.Equal(new byte[10].Select(_ => (byte)2), got.Span.ToArray());
        got.Dispose();
        Assert.False(server.TryReceiveBuffer(out got));
        Assert.False(got.IsAllocated);
    }

    [Fact]
    public async Task TrySend_WithNoRoom_LeavesTheBufferWithTheCaller()
    {
        await using var client = NewClient(); // no peer: no queue to take it
        var buffer = MessageBuffer.Rent(200);
        buffer.Span.Fill(9);
        Assert.False(client.TrySend(ref buffer));
        Assert.True(buffer.IsAllocated);
        Assert.Equal(200, buffer.Length);

        await using var server = BoundServer();
        client.Connect(server.LastEndpoint!);
        client.Send(ref buffer);
        using var got = server.ReceiveBuffer();
        Assert.True(got.Span.ToArray().All(b => b == 9) && got.Length == 200);
    }

    [Fact]
    public async Task EveryFailedSend_ThrowsAndTakesTheBuffer()
    {
        await using var server = BoundServer();
        var buffer = MessageBuffer.Rent(300);
        Assert.Throws<HostUnreachableException>(() => server.Send(77, ref buffer));
        Assert.False(buffer.IsAllocated, "a failed send returned the buffer to the pool");
        buffer = MessageBuffer.Rent(3);
        Assert.Throws<HostUnreachableException>(() => server.TrySend(77, ref buffer));
        Assert.False(buffer.IsAllocated);
        buffer = MessageBuffer.Rent(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => server.Send(0, ref buffer));
        Assert.False(buffer.IsAllocated, "a refused argument empties the variable too");

        var client = NewClient();
        await client.DisposeAsync();
        buffer = MessageBuffer.Rent(3);
        Assert.Throws<ObjectDisposedException>(() => client.Send(ref buffer));
        Assert.False(buffer.IsAllocated, "so does a disposed socket");
    }

    [Fact]
    public async Task BufferStream_AllocatesNothingPerMessageOnEitherSide()
    {
        // Measured over the third quarter, once the pool holds as many buffers as are in flight.
        const int Count = 20_000;
        const int Total = 4 * Count;
        await using var server = BoundServer();
        await using var client = NewClient();
        client.Connect(server.LastEndpoint!);
        var sender = Task.Run(() =>
        {
            long allocated = 0;
            for (int i = 0; i < Total; i++)
            {
                allocated = Window(i, allocated);
                var buffer = MessageBuffer.Rent(1000);
                buffer.Span[0] = (byte)i;
                client.Send(ref buffer);
            }
            return allocated;
        });

        long received = 0;
        long allocated = 0;
        int wrong = 0;
        for (int i = 0; i < Total; i++)
        {
            allocated = Window(i, allocated);
            using var got = server.ReceiveBuffer();
            // Counted, not asserted: an assertion per message would allocate.
            wrong += got.Span[0] == (byte)i ? 0 : 1;
            received += got.Length;
        }
        long sent = await sender;

        Assert.Equal(Total * 1000L, received);
        Assert.Equal(0, wrong);
        // Waits and the pool's growth while the queues fill allocate now and then (tens of bytes per
        // message at worst); a buffer lost to the pool per message would be over 20 MB.
        Assert.True(allocated < Count * 100, $"the receiver allocated {allocated} bytes over {Count} messages");
        Assert.True(sent < Count * 100, $"the sender allocated {sent} bytes over {Count} messages");

        static long Window(int i, long allocated) => i switch
        {
            2 * Count => GC.GetAllocatedBytesForCurrentThread(),
            3 * Count => GC.GetAllocatedBytesForCurrentThread() - allocated,
            _ => allocated,
        };
    }

    [Fact]
    public void Dispose_EmptiesTheVariableAndIsHarmlessToRepeat()
    {
        var buffer = MessageBuffer.Rent(100);
        Assert.True(buffer.IsAllocated);
        Assert.Equal(100, buffer.Span.Length);
        buffer.Dispose();
        Assert.False(buffer.IsAllocated);
        Assert.Equal(0, buffer.Span.Length);
        buffer.Dispose();
        Assert.Equal(0, default(MessageBuffer).Memory.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageBuffer.Rent(-1));
    }

    private static byte[] Payload(int size, int seed) => Enumerable.Range(seed, size).Select(i => (byte)(i * 13)).ToArray();
}

public sealed class MessageBufferOverTcp : MessageBufferTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class MessageBufferOverIpc : MessageBufferTests
{
    protected override string AnyEndpoint => "ipc://*";
}

public sealed class MessageBufferOverInproc : MessageBufferTests
{
    protected override string AnyEndpoint => $"inproc://message-buffer-{Guid.NewGuid():N}";
}
