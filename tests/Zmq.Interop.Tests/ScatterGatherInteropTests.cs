using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>SCATTER/GATHER between our sockets and libzmq 4.3.5's (draft API, through zeromq.js),
/// both directions and both bind sides, over each stream transport: single frames, round-robin,
/// nothing lost.</summary>
public class ScatterGatherInteropTests
{
    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurScatter_BoundTo_LibzmqGathers_SendsEachOneItsShareInOrder(string transport)
    {
        await using var scatter = new ScatterSocket { SendTimeout = Ours.Wait, Linger = TimeSpan.FromSeconds(5) };
        scatter.Bind(Transports.OurBind(transport));
        var events = new MonitorEvents(scatter);
        await using var first = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "gather", Connect = scatter.LastEndpoint });
        await using var second = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "gather", Connect = scatter.LastEndpoint });
        // Both attached before the first send, so that the rotation has both.
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);

        for (int i = 0; i < 6; i++)
        {
            scatter.Send($"m{i}");
        }

        var atFirst = new List<string>();
        var atSecond = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            atFirst.Add(Encoding.UTF8.GetString((await first.ReceiveAsync($"message {i} at the first")).Body));
            atSecond.Add(Encoding.UTF8.GetString((await second.ReceiveAsync($"message {i} at the second")).Body));
        }
        // Round-robin: each gets every other message, in order, whichever of them came first.
        string[] even = ["m0", "m2", "m4"], odd = ["m1", "m3", "m5"];
        Assert.True(atFirst.SequenceEqual(even) ? atSecond.SequenceEqual(odd) : atFirst.SequenceEqual(odd) && atSecond.SequenceEqual(even),
            $"first got {string.Join(',', atFirst)}, second {string.Join(',', atSecond)}");
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task LibzmqScatter_ConnectedToOurGather_DeliversEveryMessageInOrder(string transport)
    {
        await using var gather = new GatherSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        gather.Bind(Transports.OurBind(transport));
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "scatter", Connect = gather.LastEndpoint });
        await peer.WaitForReadyAsync();

        for (int i = 0; i < 5; i++)
        {
            await peer.SendAsync(Encoding.UTF8.GetBytes($"m{i}:" + new string('x', 100 * i)));
        }

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal($"m{i}:" + new string('x', 100 * i), gather.ReceiveString());
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurScatter_ConnectedToALibzmqGather_DeliversEveryMessageInOrder(string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var peer = NodePeer.Start(new PeerConfig { Mode = "interactive", Socket = "gather", Bind = bind.Endpoint });
        string endpoint = await peer.WaitForReadyAsync();
        await using var scatter = new ScatterSocket { SendTimeout = Ours.Wait, Linger = TimeSpan.FromSeconds(5) };
        scatter.Connect(endpoint);

        for (int i = 0; i < 5; i++)
        {
            scatter.Send($"m{i}");
        }

        for (int i = 0; i < 5; i++)
        {
            Assert.Equal($"m{i}", Encoding.UTF8.GetString((await peer.ReceiveAsync($"message {i}")).Body));
        }
    }
}
