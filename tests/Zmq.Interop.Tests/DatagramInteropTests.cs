using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>DGRAM between our socket and libzmq 4.3.5's (draft API, through zeromq.js): raw udp
/// datagrams both ways, each message the peer's address and the bytes.</summary>
public class DatagramInteropTests
{
    [Fact]
    public async Task OurDgram_AndALibzmqDgram_ExchangeDatagramsBothWays()
    {
        await using var ours = new DatagramSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        ours.Bind("udp://127.0.0.1:*");
        string ourAddress = ours.LastEndpoint!["udp://".Length..];
        int port = FreeUdpPort();
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "dgram", Bind = $"udp://127.0.0.1:{port}" });
        await peer.WaitForReadyAsync();

        using (var m = new MultipartMessage($"127.0.0.1:{port}", "to libzmq"))
        {
            ours.SendMultipart(m);
        }
        var frames = await peer.ReceiveFramesAsync("our datagram");
        // libzmq ends the address it reports with a NUL (a C string); ours has none.
        Assert.Equal((ourAddress + "\0", "to libzmq"), (Encoding.ASCII.GetString(frames[0]), Encoding.UTF8.GetString(frames[1])));

        await peer.SendFramesAsync(Encoding.ASCII.GetBytes(ourAddress), Encoding.UTF8.GetBytes("to us"));
        using var got = ours.ReceiveMultipart();
        Assert.Equal(($"127.0.0.1:{port}", "to us"), (got[0].ToString(), got[1].ToString()));
    }

    private static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
