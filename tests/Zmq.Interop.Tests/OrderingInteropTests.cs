namespace Zmq.Interop.Tests;

/// <summary>A stream long enough to hit the high-water marks and many socket reads still arrives
/// complete and in send order, in both directions.</summary>
public class OrderingInteropTests
{
    private const int Count = 10_000;

    [Fact]
    public async Task TenThousandMessages_FromOurClient_ArriveAtLibzmqAndBackInSendOrder()
    {
        await using var peer = NodePeer.StartServer(bind: "tcp://127.0.0.1:*", count: Count);
        string endpoint = await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.Connect(endpoint);

        var messages = Ours.Messages(salt: 9, Count, 8, 40, 300);
        await Ours.ExchangeAsync(client, messages, peer);

        // libzmq's digest covers the order it received in, independently of the echoes we checked.
        ClientServerInteropTests.AssertServerReceived(await peer.WaitForDoneAsync(), messages);
    }

    [Fact]
    public async Task TenThousandMessages_FromLibzmqClient_ArriveAtOurServerAndBackInSendOrder()
    {
        await using var server = Ours.Server();
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = NodePeer.StartClient(Count, [8, 40, 300], salt: 10, connect: server.LastEndpoint);

        using var deadline = new CancellationTokenSource(Ours.Wait);
        for (int i = 0; i < Count; i++)
        {
            var m = await Ours.ReceiveAsync(server, $"message {i} from libzmq", peer);
            if (m.Length < 8 || Payload.IndexOf(m.Span) != i)
            {
                Assert.Fail($"message {i} from libzmq arrived out of order: it carries index {(m.Length < 8 ? "none" : Payload.IndexOf(m.Span))}");
            }
            await server.SendAsync(m.RoutingId, m.Data, deadline.Token);
        }

        ClientServerInteropTests.AssertClientVerified(await peer.WaitForDoneAsync(), Count, peer);
    }
}
