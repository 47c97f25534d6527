using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>
/// Subscriptions survive a publisher that goes away and comes back on the same endpoint, against
/// libzmq 4.3.5 both ways: the subscriber (ours or libzmq's) sends its current subscriptions again
/// to the new publisher without being asked, and receives again only what it subscribes to. Over
/// ipc paths and abstract names the test chooses, so nothing else can take the endpoint in between.
/// </summary>
public class PubSubReconnectInteropTests
{
    /// <summary>libzmq's "SUBSCRIBE" and "CANCEL" for topic "A" and "C", as its XPUB shows them.</summary>
    private const string SubscribeA = "MSG 0 0141", SubscribeC = "MSG 0 0143", CancelC = "MSG 0 0043";

    [Theory]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task OurSubscriber_ResubscribesToALibzmqPublisherRestartedOnTheSameEndpoint_WithItsCurrentTopicsOnly(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var sub = new SubscriberSocket { Linger = TimeSpan.Zero };
        var events = new MonitorEvents(sub);
        // C before A, so a resubscription that wrongly still held C would send it before A.
        sub.Subscribe("C");
        sub.Subscribe("A");
        await using var first = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "xpub", Bind = bind.Endpoint });
        Assert.Equal(bind.Endpoint, await first.WaitForReadyAsync());
        sub.Connect(bind.Endpoint);
        await first.WaitForLineAsync(l => l == SubscribeA, "our subscription to A");
        await PubSubInteropTests.ProbeUntilAsync(
            () => first.SendFramesAsync(Utf8("A.probe")),
            async () => await Ours.ReceiveWithinAsync(sub, TimeSpan.FromMilliseconds(100)));
        // Cancelled while connected: the publisher that comes back must not be told C again.
        sub.Unsubscribe("C");
        await first.WaitForLineAsync(l => l == CancelC, "our cancel of C");

        await first.KillAsync();
        await events.WaitForAsync(SocketEventType.Disconnected);
        await using var second = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "xpub", Bind = bind.Endpoint });
        Assert.Equal(bind.Endpoint, await second.WaitForReadyAsync());
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);

        // No Subscribe since the restart: A arrives at the new publisher all the same, and C does not.
        await second.WaitForLineAsync(l => l == SubscribeA, "our subscription to A, sent again after the reconnect");
        AssertNotToldC(second);
        await PubSubInteropTests.ProbeUntilAsync(
            () => second.SendFramesAsync(Utf8("A.probe")),
            async () => await Ours.ReceiveWithinAsync(sub, TimeSpan.FromMilliseconds(100)));
        await second.SendFramesAsync(Utf8("C.cancelled"));
        await second.SendFramesAsync(Utf8("B.never subscribed"));
        await second.SendFramesAsync(Utf8("A.end"));

        Message m;
        using (var cts = new CancellationTokenSource(Ours.Wait))
        {
            do
            {
                m = await sub.ReceiveAsync(cts.Token);
            }
            while (m.ToString() == "A.probe");
        }
        Assert.Equal("A.end", m.ToString());
        AssertNotToldC(second);
    }

    private static void AssertNotToldC(NodePeer publisher) =>
        Assert.False(publisher.Lines.Contains(SubscribeC), $"the restarted publisher was sent a subscription to C, which was cancelled before the restart.{publisher.Describe()}");

    [Theory]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task LibzmqSubscriber_AfterOurPublisherIsDisposedAndBoundAgainOnTheSameEndpoint_IsResubscribedAndReceivesFromTheNewOne(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        var first = new PublisherSocket { Linger = TimeSpan.Zero };
        NodePeer? peer = null;
        try
        {
            first.Bind(bind.Endpoint);
            peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "sub", Connect = bind.Endpoint });
            await peer.SubscribeAsync(Utf8("A"));
            await PubSubInteropTests.ProbeUntilAsync(
                () => first.Send("A.probe"),
                async () => await peer.ReceiveFramesAsync("a probe from the first publisher", TimeSpan.FromMilliseconds(100)));
            await peer.WaitForEventAsync("handshake");

            await first.DisposeAsync();
            await peer.WaitForEventAsync("disconnect");
            await using var second = new PublisherSocket { Linger = TimeSpan.Zero };
            second.Bind(bind.Endpoint);
            await peer.WaitForEventAsync("handshake");

            // The test subscribes nothing again: libzmq sends A to the new publisher by itself, and
            // ours sends only to subscribers that subscribed.
            await PubSubInteropTests.ProbeUntilAsync(
                () => second.Send("A.probe"),
                async () => await peer.ReceiveFramesAsync("a probe from the second publisher", TimeSpan.FromMilliseconds(100)));
            second.Send("B.never subscribed");
            second.Send("A.end", more: true);
            second.Send("from the second publisher");

            var frames = await PubSubInteropTests.NextRealMessageAsync(peer);
            Assert.Equal(["A.end", "from the second publisher"], frames.Select(f => Encoding.UTF8.GetString(f)));
        }
        finally
        {
            await first.DisposeAsync();
            if (peer != null)
            {
                await peer.DisposeAsync();
            }
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
