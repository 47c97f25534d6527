using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>STREAM (libzmq test_stream, test_stream_disconnect, test_connect_rid) over tcp and ipc,
/// against plain sockets that speak no ZMTP: connect and disconnect notices, bytes unframed both
/// ways, routing by identity, a zero-length send closing one connection.</summary>
public abstract class StreamTests : TransportTestBase
{
    private static StreamSocket NewStream() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    private StreamSocket BoundStream()
    {
        var s = NewStream();
        s.Bind(AnyEndpoint);
        return s;
    }

    private static (byte[] Identity, byte[] Data) ReceiveFromPeer(StreamSocket stream)
    {
        using var m = stream.ReceiveMultipart();
        Assert.Equal(2, m.Count);
        return (m[0].Span.ToArray(), m[1].Span.ToArray());
    }

    /// <summary>Receives data messages of one peer until <paramref name="length"/> bytes came (the
    /// kernel may split or join the peer's writes).</summary>
    private static byte[] ReceiveBytes(StreamSocket stream, byte[] identity, int length)
    {
        var all = new List<byte>();
        while (all.Count < length)
        {
            var (id, data) = ReceiveFromPeer(stream);
            Assert.Equal(identity, id);
            Assert.NotEmpty(data);
            all.AddRange(data);
        }
        Assert.Equal(length, all.Count);
        return [.. all];
    }

    private static void SendTo(StreamSocket stream, byte[] identity, string text)
    {
        using var m = new MultipartMessage();
        m.Add(identity);
        m.Add(text);
        stream.SendMultipart(m);
    }

    [Fact]
    public async Task Stream_ReceivesAConnectNotice_ThenThePeersBytesUnframed_UnderOneIdentity()
    {
        await using var stream = BoundStream();
        await using var peer = await RawPeer.ConnectAsync(stream.LastEndpoint!);

        var (identity, notice) = ReceiveFromPeer(stream);
        Assert.Empty(notice);
        Assert.Equal(5, identity.Length);
        Assert.Equal(0, identity[0]);

        await peer.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        Assert.Equal("GET / HTTP/1.0\r\n\r\n", Encoding.ASCII.GetString(ReceiveBytes(stream, identity, 18)));
    }

    [Fact]
    public async Task Stream_SendsOnlyTheBytes_ToTheConnectionNamedByTheFirstFrame()
    {
        await using var stream = BoundStream();
        await using var a = await RawPeer.ConnectAsync(stream.LastEndpoint!);
        var (idA, _) = ReceiveFromPeer(stream);
        await using var b = await RawPeer.ConnectAsync(stream.LastEndpoint!);
        var (idB, _) = ReceiveFromPeer(stream);
        Assert.NotEqual(idA, idB);

        SendTo(stream, idB, "to b");
        SendTo(stream, idA, "to a");
        using (var twoFrames = new MultipartMessage())
        {
            // Frames after the identity go out back to back, with nothing between them.
            twoFrames.Add(idA);
            twoFrames.Add("+1");
            twoFrames.Add("+2");
            stream.SendMultipart(twoFrames);
        }

        Assert.Equal("to a+1+2", Encoding.ASCII.GetString(await a.ReadExactlyAsync(8)));
        Assert.Equal("to b", Encoding.ASCII.GetString(await b.ReadExactlyAsync(4)));
    }

    [Fact]
    public async Task Stream_ZeroLengthMessage_ClosesThatConnectionAfterWhatWasSentBefore_AndNoOther()
    {
        await using var stream = BoundStream();
        await using var a = await RawPeer.ConnectAsync(stream.LastEndpoint!);
        var (idA, _) = ReceiveFromPeer(stream);
        await using var b = await RawPeer.ConnectAsync(stream.LastEndpoint!);
        var (idB, _) = ReceiveFromPeer(stream);

        SendTo(stream, idA, "bye");
        using (var close = new MultipartMessage())
        {
            close.Add(idA);
            close.Add(Array.Empty<byte>());
            stream.SendMultipart(close);
        }

        Assert.Equal("bye", Encoding.ASCII.GetString(await a.ReadExactlyAsync(3)));
        Assert.True(await a.WaitClosedAsync(Timeout), "the zero-length message should close the connection");
        var (closedId, notice) = ReceiveFromPeer(stream);
        Assert.Equal(idA, closedId);
        Assert.Empty(notice);

        SendTo(stream, idB, "still here");
        Assert.Equal("still here", Encoding.ASCII.GetString(await b.ReadExactlyAsync(10)));
        Assert.Throws<HostUnreachableException>(() => SendTo(stream, idA, "gone"));
    }

    [Fact]
    public async Task Stream_PeerHangingUp_ArrivesAsAnEmptyMessage_AndItsIdentityIsForgotten()
    {
        await using var stream = BoundStream();
        var peer = await RawPeer.ConnectAsync(stream.LastEndpoint!);
        var (id, _) = ReceiveFromPeer(stream);
        await peer.SendAsync("last words"u8.ToArray());
        peer.HangUp();

        Assert.Equal("last words", Encoding.ASCII.GetString(ReceiveBytes(stream, id, 10)));
        var (goneId, notice) = ReceiveFromPeer(stream);
        Assert.Equal(id, goneId);
        Assert.Empty(notice);
        Assert.Throws<HostUnreachableException>(() => SendTo(stream, id, "anyone?"));
        await peer.DisposeAsync();
    }

    [Fact]
    public async Task Stream_SendToAnIdentityNoConnectionHas_ThrowsHostUnreachable()
    {
        await using var stream = BoundStream();
        var e = Assert.Throws<HostUnreachableException>(() => SendTo(stream, [0, 1, 2, 3, 4], "lost"));
        Assert.Contains("0x0001020304", e.Message);
    }

    [Fact]
    public async Task Stream_WithStreamNotifyOff_ReceivesOnlyData()
    {
        await using var stream = NewStream();
        stream.StreamNotify = false;
        stream.Bind(AnyEndpoint);
        await using (var peer = await RawPeer.ConnectAsync(stream.LastEndpoint!))
        {
            await peer.SendAsync("x"u8.ToArray());
            peer.HangUp();
            var (_, data) = ReceiveFromPeer(stream);
            Assert.Equal("x"u8.ToArray(), data);
        }
        Assert.False(stream.TryReceive(out _, TimeSpan.FromMilliseconds(200)), "no disconnect notice with StreamNotify off");
    }

    [Fact]
    public async Task Stream_Connecting_NamesItsPeerWithConnectRoutingId_AndSendsBeforeThePeerSpeaks()
    {
        using var listener = RawListener.Listen(AnyEndpoint);
        await using var stream = NewStream();
        stream.ConnectRoutingId = "web"u8.ToArray();
        stream.Connect(listener.Endpoint);
        Assert.Null(stream.ConnectRoutingId);
        await using var peer = await listener.AcceptAsync(Timeout);

        var (id, notice) = ReceiveFromPeer(stream);
        Assert.Equal("web"u8.ToArray(), id);
        Assert.Empty(notice);
        SendTo(stream, "web"u8.ToArray(), "hello");
        Assert.Equal("hello", Encoding.ASCII.GetString(await peer.ReadExactlyAsync(5)));
        await peer.SendAsync("hi back"u8.ToArray());
        Assert.Equal("hi back", Encoding.ASCII.GetString(ReceiveBytes(stream, "web"u8.ToArray(), 7)));
    }

    [Fact]
    public async Task Stream_DeliversALargeWrite_WholeAndInOrder()
    {
        await using var stream = BoundStream();
        await using var peer = await RawPeer.ConnectAsync(stream.LastEndpoint!);
        var (id, _) = ReceiveFromPeer(stream);
        var big = new byte[200_000];
        new Random(7).NextBytes(big);

        var sending = peer.SendAsync(big);
        Assert.Equal(big, ReceiveBytes(stream, id, big.Length));
        await sending;

        using var m = new MultipartMessage();
        m.Add(id);
        m.Add(big);
        stream.SendMultipart(m);
        Assert.Equal(big, await peer.ReadExactlyAsync(big.Length));
    }

    [Fact]
    public void Stream_RefusesInproc_SayingItHasNoRawPeers()
    {
        using var stream = NewStream();
        var e = Assert.Throws<TransportNotSupportedException>(() => stream.Bind("inproc://stream-here"));
        Assert.Contains("raw tcp or ipc", e.Message);
        Assert.Throws<TransportNotSupportedException>(() => stream.Connect("inproc://stream-there"));
    }

    [Fact]
    public void ConnectRoutingId_IsRefusedOnTypesThatDoNotRouteByIdentity()
    {
        using var dealer = new DealerSocket();
        Assert.Throws<NotSupportedException>(() => dealer.ConnectRoutingId = [1]);
        using var stream = NewStream();
        Assert.Throws<ArgumentException>(() => stream.ConnectRoutingId = []);
    }
}

public sealed class StreamOverTcp : StreamTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class StreamOverIpc : StreamTests
{
    protected override string AnyEndpoint => "ipc://*";
}
