// CLIENT/SERVER on loopback: two CLIENTs send requests to one SERVER, which answers each on the
// connection it came from (its RoutingId), so every CLIENT gets its own replies only.
using Zmq;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

await using var server = new ServerSocket();
server.Bind("tcp://127.0.0.1:*");                      // port * = any free port
string endpoint = server.LastEndpoint!;
Console.WriteLine($"server: bound on {endpoint}");

string[] names = ["alice", "bob"];
const int RequestsEach = 3;

// The server: receive a request, reply to whoever sent it.
var serving = Task.Run(async () =>
{
    for (int i = 0; i < names.Length * RequestsEach; i++)
    {
        Message request = await server.ReceiveAsync(timeout.Token);
        await server.SendAsync(request.RoutingId, $"{request} -> done", timeout.Token);
    }
});

// The clients: connecting returns at once; what they send waits until the connection is up.
var clients = names.Select(async name =>
{
    await using var client = new ClientSocket();
    client.Connect(endpoint);
    for (int i = 1; i <= RequestsEach; i++)
    {
        await client.SendAsync($"{name} #{i}", timeout.Token);
        string reply = await client.ReceiveStringAsync(timeout.Token);
        Console.WriteLine($"{name}: got '{reply}'");
        if (!reply.StartsWith(name, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{name} received another client's reply: {reply}");
        }
    }
});

await Task.WhenAll([serving, .. clients]);
Console.WriteLine($"server: answered {names.Length * RequestsEach} requests, each to its sender");
