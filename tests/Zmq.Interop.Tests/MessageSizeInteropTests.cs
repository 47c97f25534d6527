namespace Zmq.Interop.Tests;

/// <summary>
/// Bodies of every interesting size cross intact in both directions. 255/256 is where ZMTP switches
/// from the 1-byte to the 8-byte size field; 65536 and 1 MiB outgrow a single socket read and write,
/// so frames are split across receives and (at 1 MiB) sent without copying.
/// </summary>
public class MessageSizeInteropTests
{
    // Several per run, so a frame that follows a large one is checked too.
    private const int Count = 3;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65536)]
    [InlineData(1048576)]
    public async Task MessageOfAnySize_CrossesFromOurClientToLibzmqServerAndBackIntact(int size)
    {
        await using var peer = NodePeer.StartServer(bind: "tcp://127.0.0.1:*", count: Count);
        string endpoint = await peer.WaitForReadyAsync();
        await using var client = Ours.Client();
        client.Connect(endpoint);

        var messages = Ours.Messages(salt: 7, Count, size);
        await Ours.ExchangeAsync(client, messages, peer);

        ClientServerInteropTests.AssertServerReceived(await peer.WaitForDoneAsync(), messages);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65536)]
    [InlineData(1048576)]
    public async Task MessageOfAnySize_CrossesFromLibzmqClientToOurServerAndBackIntact(int size)
    {
        await using var server = Ours.Server();
        server.Bind("tcp://127.0.0.1:*");
        await using var peer = NodePeer.StartClient(Count, [size], salt: 8, connect: server.LastEndpoint);

        // Our side checks what libzmq sent before echoing it; peer.js then checks the echo.
        using var deadline = new CancellationTokenSource(Ours.Wait);
        for (int i = 0; i < Count; i++)
        {
            var m = await Ours.ReceiveAsync(server, $"message {i} from libzmq", peer);
            Payload.AssertSame(Payload.Make(8, i, size), m.Span, $"message {i} from libzmq");
            await server.SendAsync(m.RoutingId, m.Data, deadline.Token);
        }

        ClientServerInteropTests.AssertClientVerified(await peer.WaitForDoneAsync(), Count, peer);
    }
}
