namespace Zmq.Tests.Sockets;

public class SmokeTests
{
    [Fact]
    public async Task ClientServerRoundTrip()
    {
        await using var server = new ServerSocket();
        server.Bind("tcp://127.0.0.1:*");
        await using var client = new ClientSocket();
        client.Connect(server.LastEndpoint!);
        client.Send("hello");
        var req = server.Receive();
        Assert.Equal("hello", req.ToString());
        Assert.NotEqual(0u, req.RoutingId);
        server.Send(req.RoutingId, "world");
        Assert.Equal("world", client.ReceiveString());
    }
}
