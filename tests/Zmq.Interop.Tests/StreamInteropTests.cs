using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>Our STREAM and libzmq's (4.3.5 through zeromq.js, 4.3.4 through python3-zmq), each the
/// other's plain peer: neither speaks ZMTP, so what one sends is exactly the bytes the other
/// receives, and each sees the other's connection start as an identity with an empty frame.</summary>
public class StreamInteropTests
{
    public static TheoryData<string, string> Cases => LibzmqPeer.BuildsAndTransports;

    private static StreamSocket NewStream() => new() { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };

    /// <summary>Receives from libzmq's STREAM until a data message (its notices are skipped); returns
    /// its identity frame and the bytes, as text.</summary>
    private static async Task<(byte[] Identity, string Data)> LibzmqDataAsync(ILibzmqPeer peer, string what)
    {
        while (true)
        {
            var frames = await peer.ReceiveFramesAsync(what);
            Assert.Equal(2, frames.Length);
            if (frames[1].Length > 0)
            {
                return (frames[0], Encoding.UTF8.GetString(frames[1]));
            }
        }
    }

    private static string OursData(StreamSocket stream, byte[] identity)
    {
        while (true)
        {
            using var m = stream.ReceiveMultipart();
            Assert.Equal(2, m.Count);
            if (m[1].Length > 0)
            {
                Assert.Equal(identity, m[0].Span.ToArray());
                return m[1].ToString();
            }
        }
    }

    private static void Send(StreamSocket stream, byte[] identity, string text)
    {
        using var m = new MultipartMessage();
        m.Add(identity);
        m.Add(text);
        stream.SendMultipart(m);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ALibzmqStream_ConnectedToOurs_ExchangesRawBytesBothWays(string build, string transport)
    {
        await using var ours = NewStream();
        ours.Bind(Transports.OurBind(transport));
        await using var theirs = LibzmqPeer.Start(build, "stream", bind: false, ours.LastEndpoint!);
        await theirs.WaitForReadyAsync();

        using (var notice = ours.ReceiveMultipart())
        {
            Assert.Equal(0, notice[1].Length);
            byte[] id = notice[0].Span.ToArray();
            Send(ours, id, "hello from .NET");
            var (theirId, data) = await LibzmqDataAsync(theirs, "our bytes");
            Assert.Equal("hello from .NET", data);
            await theirs.SendFramesAsync(theirId, Encoding.UTF8.GetBytes("hello from libzmq"));
            Assert.Equal("hello from libzmq", OursData(ours, id));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurStream_ConnectedToALibzmqStream_ExchangesRawBytesBothWays(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var theirs = LibzmqPeer.Start(build, "stream", bind: true, bind.Endpoint);
        string endpoint = await theirs.WaitForReadyAsync();
        await using var ours = NewStream();
        ours.ConnectRoutingId = "them"u8.ToArray();
        ours.Connect(endpoint);

        using (var notice = ours.ReceiveMultipart())
        {
            Assert.Equal("them"u8.ToArray(), notice[0].Span.ToArray());
            Assert.Equal(0, notice[1].Length);
        }
        Send(ours, "them"u8.ToArray(), "ping");
        var (theirId, data) = await LibzmqDataAsync(theirs, "our bytes");
        Assert.Equal("ping", data);
        await theirs.SendFramesAsync(theirId, Encoding.UTF8.GetBytes("pong"));
        Assert.Equal("pong", OursData(ours, "them"u8.ToArray()));
    }
}
