using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>What a publisher does with the subscription bytes a peer sends, seen on the wire: both
/// ZMTP 3.1's SUBSCRIBE/CANCEL commands and the 3.0 message form (0x01/0x00 + topic) count, and a
/// cancelled topic is no longer sent at all (not merely filtered by the subscriber).</summary>
public sealed class PublisherWireTests
{
    [Fact]
    public async Task Publisher_AppliesSubscribeAndCancel_InCommandAndMessageForm()
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(pub.LastEndpoint!);
        await peer.HandshakeAsync("SUB");
        await peer.SendAsync(
            Command("SUBSCRIBE", "A"),
            RawPeer.MessageFrame("\u0001Z"),
            RawPeer.MessageFrame("\u0000A"),
            Command("SUBSCRIBE", "Q"),
            Command("CANCEL", "Q"));

        // The probe arrives once all five have been applied: they came before it on one connection.
        var probe = ReadFrameAsync(peer);
        var deadline = DateTime.UtcNow + Wait.Timeout;
        do
        {
            pub.Send("Z.probe");
        }
        while (await Task.WhenAny(probe, Task.Delay(20)) != probe && DateTime.UtcNow < deadline);
        Assert.Equal("Z.probe", await probe.WaitAsync(Wait.Timeout));
        pub.Send("A.cancelled");
        pub.Send("Q.cancelled");
        pub.Send("Z.end");
        string next;
        do
        {
            next = await ReadFrameAsync(peer).WaitAsync(Wait.Timeout);
        }
        while (next == "Z.probe");
        Assert.Equal("Z.end", next);
    }

    private static byte[] Command(string name, string topic)
    {
        byte[] body = [(byte)name.Length, .. Encoding.ASCII.GetBytes(name), .. Encoding.UTF8.GetBytes(topic)];
        return [0x04, (byte)body.Length, .. body];
    }

    private static async Task<string> ReadFrameAsync(RawPeer peer)
    {
        var head = await peer.ReadExactlyAsync(2);
        Assert.Equal(0, head[0]);
        return Encoding.UTF8.GetString(await peer.ReadExactlyAsync(head[1]));
    }
}
