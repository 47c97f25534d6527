using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>PUB/SUB between our sockets and libzmq 4.3.5's, both ways, over each stream transport:
/// libzmq's SUBSCRIBE/CANCEL commands reach our publisher, our subscriptions reach libzmq's, and
/// multipart messages arrive whole and filtered by their first frame.</summary>
public class PubSubInteropTests
{
    private static readonly byte[] Probe = Encoding.UTF8.GetBytes("A.probe");

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task OurPublisher_SendsALibzmqSubscriberOnlyItsTopics(string transport)
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "sub", Connect = pub.LastEndpoint });
        await peer.SubscribeAsync(Encoding.UTF8.GetBytes("A"));

        // libzmq sends the subscription as a ZMTP 3.1 SUBSCRIBE command: probe until it took effect.
        await ProbeUntilAsync(() => pub.Send(Probe), async () => await peer.ReceiveFramesAsync("a probe", TimeSpan.FromMilliseconds(100)));
        pub.Send("B", more: true);
        pub.Send("not for A");
        pub.Send("A", more: true);
        pub.Send(new byte[300], more: true);
        pub.Send("end");

        var frames = await NextRealMessageAsync(peer);
        Assert.Equal(3, frames.Length);
        Assert.Equal("A", Encoding.UTF8.GetString(frames[0]));
        Assert.Equal(300, frames[1].Length);
        Assert.Equal("end", Encoding.UTF8.GetString(frames[2]));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    [InlineData("ipc-abstract")]
    public async Task LibzmqPublisher_SendsOurSubscriberOnlyItsTopics(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "pub", Bind = bind.Endpoint });
        string endpoint = await peer.WaitForReadyAsync();
        await using var sub = new SubscriberSocket { Linger = TimeSpan.Zero };
        sub.Subscribe("A");
        sub.Connect(endpoint);

        await ProbeUntilAsync(() => peer.SendFramesAsync(Probe).GetAwaiter().GetResult(), () => Task.FromResult(sub.TryReceive(out _, TimeSpan.FromMilliseconds(100)) ? 1 : throw new TimeoutException()));
        await peer.SendFramesAsync(Encoding.UTF8.GetBytes("B"), Encoding.UTF8.GetBytes("not for A"));
        await peer.SendFramesAsync(Encoding.UTF8.GetBytes("A"), new byte[300], Encoding.UTF8.GetBytes("end"));

        Message first;
        using (var cts = new CancellationTokenSource(Ours.Wait))
        {
            do
            {
                first = await sub.ReceiveAsync(cts.Token);
            }
            while (first.Span.SequenceEqual(Probe));
        }
        Assert.Equal("A", first.ToString());
        Assert.True(first.More);
        var second = await sub.ReceiveAsync();
        Assert.Equal(300, second.Length);
        var third = await sub.ReceiveAsync();
        Assert.Equal("end", third.ToString());
        Assert.False(third.More);
        Assert.False(sub.TryReceive(out var extra, TimeSpan.FromMilliseconds(200)), $"unexpected {extra}");
    }

    [Fact]
    public async Task LibzmqSubscribersCancelCommand_IsUnderstoodByOurPublisher()
    {
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Bind("tcp://127.0.0.1:*");
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "sub", Connect = pub.LastEndpoint });
        await peer.SubscribeAsync(Encoding.UTF8.GetBytes("A"));
        await ProbeUntilAsync(() => pub.Send(Probe), async () => await peer.ReceiveFramesAsync("a probe", TimeSpan.FromMilliseconds(100)));
        await peer.SubscribeAsync(Encoding.UTF8.GetBytes("A"), subscribe: false);
        await peer.SubscribeAsync(Encoding.UTF8.GetBytes("Z"));

        // A CANCEL our side could not parse would close the connection, and "Z" would never arrive.
        // (That the cancelled topic is no longer sent is shown on the wire by PublisherWireTests:
        // libzmq's subscriber filters too, so it cannot show it here.)
        await ProbeUntilAsync(() => pub.Send("Z.probe"), async () => await peer.ReceiveFramesAsync("a Z probe", TimeSpan.FromMilliseconds(100)));
        pub.Send("Z.end");
        var frames = await NextRealMessageAsync(peer, "Z.end");
        Assert.Equal("Z.end", Encoding.UTF8.GetString(frames[0]));
    }

    /// <summary>Runs <paramref name="send"/> then <paramref name="received"/> until the latter returns
    /// instead of timing out: the subscription has reached the publisher.</summary>
    internal static Task ProbeUntilAsync(Action send, Func<Task> received) =>
        ProbeUntilAsync(() =>
        {
            send();
            return Task.CompletedTask;
        }, received);

    /// <inheritdoc cref="ProbeUntilAsync(Action, Func{Task})"/>
    internal static async Task ProbeUntilAsync(Func<Task> send, Func<Task> received)
    {
        var deadline = DateTime.UtcNow + Ours.Wait;
        while (true)
        {
            await send();
            try
            {
                await received();
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>The next message the libzmq peer printed that is not a probe.</summary>
    internal static async Task<byte[][]> NextRealMessageAsync(NodePeer peer, string? first = null)
    {
        string probeHex = Convert.ToHexStringLower(Probe);
        string? wanted = first is null ? null : "MSG 0 " + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(first));
        string line = await peer.WaitForLineAsync(
            l => l.StartsWith("MSG ", StringComparison.Ordinal) && !l.EndsWith(probeHex, StringComparison.Ordinal) && !l.Contains("2e70726f6265", StringComparison.Ordinal) && (wanted is null || l.StartsWith(wanted, StringComparison.Ordinal)),
            "a message other than a probe");
        return [.. line.Split(' ')[2].Split(',').Select(Convert.FromHexString)];
    }
}
