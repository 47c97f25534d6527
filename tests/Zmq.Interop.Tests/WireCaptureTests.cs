using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>
/// The exact bytes libzmq 4.3.5 puts on the wire for a ZMTP 3.1 NULL handshake and a first message,
/// captured over a raw TCP connection, and our sockets held to the same bytes. The constants below
/// are the reference vectors.
/// </summary>
public class WireCaptureTests
{
    /// <summary>Signature (FF, 8 padding, 7F), version 3.1, mechanism "NULL" padded to 20, as-server 0, 31 filler.
    /// libzmq sends exactly this whichever side connects.</summary>
    private static readonly byte[] NullGreeting = Hex("FF 00 00 00 00 00 00 00 01 7F 03 01 4E 55 4C 4C" + Zeros(48));

    /// <summary>READY command, short frame (flags 04, size 1C): name length 5 "READY", then the one
    /// property libzmq sends for these types: 0B "Socket-Type", 4-byte length 6, "SERVER".</summary>
    private static readonly byte[] ServerReady = Hex("04 1C 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 53 45 52 56 45 52");

    /// <summary>Same, with "CLIENT".</summary>
    private static readonly byte[] ClientReady = Hex("04 1C 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 43 4C 49 45 4E 54");

    /// <summary>A last (flags 00) short frame of 3 bytes, "abc".</summary>
    private static readonly byte[] AbcFrame = Hex("00 03 61 62 63");

    [Fact]
    public async Task LibzmqServer_AnswersANullGreetingWithThisGreetingAndReady()
    {
        await using var peer = NodePeer.StartServer(bind: "tcp://127.0.0.1:*", count: 1);
        using var raw = await RawPeer.ConnectAsync(await peer.WaitForReadyAsync());
        await raw.WriteAsync([.. NullGreeting, .. ClientReady]);

        Assert.Equal(NullGreeting, await raw.ReadAsync(NullGreeting.Length));
        Assert.Equal(ServerReady, await raw.ReadAsync(ServerReady.Length));

        // A message frame to show the handshake really completed: the echo comes back as the same frame.
        await raw.WriteAsync(AbcFrame);
        Assert.Equal(AbcFrame, await raw.ReadAsync(AbcFrame.Length));
        ClientServerInteropTests.AssertServerReceived(await peer.WaitForDoneAsync(), [Encoding.ASCII.GetBytes("abc")]);
    }

    [Fact]
    public async Task LibzmqClient_AnswersANullGreetingWithThisGreetingReadyAndMessageFrame()
    {
        // Payload.Make(0x41, 0, 5) = 41 4E 5B 68 75: under 8 bytes, so pattern only.
        byte[] messageFrame = Hex("00 05 41 4E 5B 68 75");
        await using var peer = NodePeer.StartClient(count: 1, sizes: [5], salt: 0x41, bind: "tcp://127.0.0.1:*");
        using var raw = await RawPeer.ConnectAsync(await peer.WaitForReadyAsync());
        await raw.WriteAsync([.. NullGreeting, .. ServerReady]);

        Assert.Equal(NullGreeting, await raw.ReadAsync(NullGreeting.Length));
        Assert.Equal(ClientReady, await raw.ReadAsync(ClientReady.Length));
        Assert.Equal(messageFrame, await raw.ReadAsync(messageFrame.Length));

        await raw.WriteAsync(messageFrame);
        ClientServerInteropTests.AssertClientVerified(await peer.WaitForDoneAsync(), 1, peer);
    }

    [Fact]
    public async Task OurServer_AnswersANullGreetingWithTheSameBytesAsLibzmqServer()
    {
        await using var server = Ours.Server();
        server.Bind("tcp://127.0.0.1:*");
        using var raw = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await raw.WriteAsync([.. NullGreeting, .. ClientReady]);

        Assert.Equal(NullGreeting, await raw.ReadAsync(NullGreeting.Length));
        Assert.Equal(ServerReady, await raw.ReadAsync(ServerReady.Length));

        await raw.WriteAsync(AbcFrame);
        var m = await Ours.ReceiveAsync(server, "the frame sent raw");
        Assert.Equal("abc", m.ToString());
        Assert.True(server.TrySend(m.RoutingId, m.Span), "an idle peer's queue had no room");
        Assert.Equal(AbcFrame, await raw.ReadAsync(AbcFrame.Length));
    }

    [Fact]
    public async Task OurClient_AnswersANullGreetingWithTheSameBytesAsLibzmqClient()
    {
        await using var client = Ours.Client();
        client.Bind("tcp://127.0.0.1:*");
        using var raw = await RawPeer.ConnectAsync(client.LastEndpoint!);
        await raw.WriteAsync([.. NullGreeting, .. ServerReady]);

        Assert.Equal(NullGreeting, await raw.ReadAsync(NullGreeting.Length));
        Assert.Equal(ClientReady, await raw.ReadAsync(ClientReady.Length));

        // A bound CLIENT has no peer until our READY is processed; the send waits for it.
        using (var cts = new CancellationTokenSource(Ours.Wait))
        {
            await client.SendAsync("abc"u8.ToArray(), cts.Token);
        }
        Assert.Equal(AbcFrame, await raw.ReadAsync(AbcFrame.Length));
        await raw.WriteAsync(AbcFrame);
        Assert.Equal("abc", (await Ours.ReceiveAsync(client, "the frame sent raw")).ToString());
    }

    [Fact]
    public async Task OurServer_AnswersEachPingWithAPongCarryingItsContext()
    {
        await using var server = Ours.Server();
        server.Bind("tcp://127.0.0.1:*");
        using var raw = await RawPeer.ConnectAsync(server.LastEndpoint!);
        await raw.WriteAsync([.. NullGreeting, .. ClientReady]);
        await raw.ReadAsync(NullGreeting.Length + ServerReady.Length);

        // ZMTP 3.1 PING: flags 04, size, name length 4, "PING", TTL (u16, tenths of a second), context.
        // The PONG must echo the context. Several in a row, as a heartbeating libzmq sends them.
        for (int i = 0; i < 5; i++)
        {
            byte context = (byte)(0xA0 + i);
            await raw.WriteAsync(Hex($"04 09 04 50 49 4E 47 00 0A 5A {context:X2}"));
            Assert.Equal(Hex($"04 07 04 50 4F 4E 47 5A {context:X2}"), await raw.ReadAsync(9));
        }
    }

    private static string Zeros(int count) => string.Concat(Enumerable.Repeat(" 00", count));

    private static byte[] Hex(string spaced) => Convert.FromHexString(spaced.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>A plain TCP connection that speaks bytes, not ZMTP; every read is bounded by <see cref="Ours.Wait"/>.</summary>
    private sealed class RawPeer : IDisposable
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;

        private RawPeer(Socket socket)
        {
            _socket = socket;
            _stream = new NetworkStream(socket, ownsSocket: true);
        }

        public static async Task<RawPeer> ConnectAsync(string endpoint)
        {
            var ep = IPEndPoint.Parse(endpoint["tcp://".Length..]);
            var socket = new Socket(ep.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var cts = new CancellationTokenSource(Ours.Wait);
                await socket.ConnectAsync(ep, cts.Token);
                return new RawPeer(socket);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        public async Task WriteAsync(byte[] bytes)
        {
            using var cts = new CancellationTokenSource(Ours.Wait);
            await _stream.WriteAsync(bytes, cts.Token);
        }

        public async Task<byte[]> ReadAsync(int count)
        {
            var buffer = new byte[count];
            int got = 0;
            using var cts = new CancellationTokenSource(Ours.Wait);
            try
            {
                while (got < count)
                {
                    int n = await _stream.ReadAsync(buffer.AsMemory(got), cts.Token);
                    if (n == 0)
                    {
                        throw new EndOfStreamException($"peer closed after {got} of {count} expected bytes: {Convert.ToHexString(buffer, 0, got)}");
                    }
                    got += n;
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                throw new TimeoutException($"got {got} of {count} expected bytes within {Ours.Wait.TotalSeconds} s: {Convert.ToHexString(buffer, 0, got)}");
            }
            return buffer;
        }

        public void Dispose()
        {
            _stream.Dispose();
            _socket.Dispose();
        }
    }
}
