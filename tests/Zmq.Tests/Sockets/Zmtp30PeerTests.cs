using System.Text;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>Peers that announce ZMTP 3.0 (RFC 23), as libzmq 4.1 and its kin do: they subscribe
/// with messages (0x01 or 0x00, then the topic) rather than 3.1's SUBSCRIBE and CANCEL commands, and
/// everything else works as with a 3.1 peer.</summary>
public sealed class Zmtp30PeerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AZmtp30Subscriber_SubscribesWithAMessage_AndGetsOnlyItsTopic()
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(pub.LastEndpoint!);
        await peer.HandshakeAsync("SUB", minor: 0);
        await peer.SendAsync([0, 3, 1, (byte)'A', (byte)'.']);

        // The subscription takes effect once the publisher has read it: probe until one arrives;
        // the first frame the peer reads must be on its topic.
        using var stop = new CancellationTokenSource();
        var probing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                pub.Send("B.not subscribed");
                pub.Send("A.probe");
                await Task.Delay(10);
            }
        });
        var (_, body) = await peer.ReadShortFrameAsync();
        await stop.CancelAsync();
        await probing;
        Assert.Equal("A.probe", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task AZmtp30Publisher_GetsOurSubscriptionsAsMessages()
    {
        await using var sub = new SubscriberSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        sub.Subscribe("news");
        sub.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(sub.LastEndpoint!);
        await peer.HandshakeAsync("PUB", minor: 0);

        var (flags, body) = await peer.ReadShortFrameAsync();
        Assert.Equal(0, flags & 0x04);
        Assert.Equal("\u0001news", Encoding.UTF8.GetString(body));

        await peer.SendAsync(RawPeer.MessageFrame("news: it works"));
        Assert.Equal("news: it works", sub.ReceiveString());
    }

    [Fact]
    public async Task AZmtp30Dealer_IsKnownToOurRouter_AndGetsItsReplies()
    {
        await using var router = new RouterSocket { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero, RouterMandatory = true };
        router.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(router.LastEndpoint!);
        await peer.HandshakeAsync("DEALER", minor: 0);
        await peer.SendAsync(RawPeer.MessageFrame("hello"));

        using var got = router.ReceiveMultipart();
        Assert.Equal("hello", got[1].ToString());
        using var reply = new MultipartMessage();
        reply.Add(got[0].Span);
        reply.Add("back");
        router.SendMultipart(reply);
        var (_, body) = await peer.ReadShortFrameAsync();
        Assert.Equal("back", Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task InvertMatching_AtThePublisher_SendsASubscriberOnlyWhatItsSubscriptionsDoNotMatch()
    {
        // A raw subscriber filters nothing itself, so it shows what the publisher chose to send.
        await using var xpub = new XPublisherSocket { InvertMatching = true, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        xpub.Bind("tcp://127.0.0.1:*");
        await using var peer = await RawPeer.ConnectAsync(xpub.LastEndpoint!);
        await peer.HandshakeAsync("SUB");
        await peer.SendAsync([0, 2, 1, (byte)'A']);
        Assert.Equal([1, (byte)'A'], xpub.Receive().Span.ToArray());

        xpub.Send("A: matches, so not sent");
        xpub.Send("B: matches nothing, so sent");
        var (_, body) = await peer.ReadShortFrameAsync();
        Assert.Equal("B: matches nothing, so sent", Encoding.UTF8.GetString(body));
    }
}
