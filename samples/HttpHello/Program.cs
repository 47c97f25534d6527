// A STREAM socket as a tiny HTTP server: it reads each request from a plain tcp connection, answers
// it, then closes the connection with a zero-length message. By default it binds an ephemeral port,
// asks itself three times with HttpClient and exits; with a port (`dotnet run -- 8080`) it keeps
// serving, for `curl http://127.0.0.1:8080/hello`.
using System.Text;
using Zmq;

bool selfTest = args.Length == 0;
await using var server = new StreamSocket();
server.Bind(selfTest ? "tcp://127.0.0.1:*" : $"tcp://*:{args[0]}");
Console.WriteLine($"serving HTTP on {server.LastEndpoint}");

using var stop = new CancellationTokenSource();
var serving = Task.Run(() => ServeAsync(server, stop.Token));
if (!selfTest)
{
    await serving;
    return;
}

using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
string baseUrl = server.LastEndpoint!.Replace("tcp://", "http://", StringComparison.Ordinal);
foreach (string path in new[] { "/hello", "/zmq", "/again" })
{
    using var response = await http.GetAsync(baseUrl + path);
    Console.WriteLine($"client: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}
stop.Cancel();
await serving;
Console.WriteLine("server: done");

static async Task ServeAsync(StreamSocket server, CancellationToken ct)
{
    // What each connection has sent so far, until its request's header ends.
    var pending = new Dictionary<string, StringBuilder>();
    using var message = new MultipartMessage();
    while (true)
    {
        try
        {
            await server.ReceiveMultipartAsync(message, ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        byte[] peer = message[0].Span.ToArray();
        string key = Convert.ToHexString(peer);
        if (message[1].Length == 0)
        {
            // A connection's start or end: a fresh request begins, or a half-read one is forgotten.
            pending.Remove(key);
            continue;
        }
        var request = pending.TryGetValue(key, out var sb) ? sb : pending[key] = new StringBuilder();
        request.Append(message[1].ToString());
        string text = request.ToString();
        if (!text.Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            continue;
        }
        pending.Remove(key);
        string path = text.Split(' ', 3) is [_, var p, _] ? p : "/";
        string body = $"Hello from a ØMQ STREAM socket, you asked for {path}";
        string head = $"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n";
        using var reply = new MultipartMessage();
        reply.Add(peer);
        reply.Add(head + body);
        await server.SendMultipartAsync(reply, ct);
        // Zero bytes to a connection closes it, once the reply is out.
        using var close = new MultipartMessage();
        close.Add(peer);
        close.Add(Array.Empty<byte>());
        await server.SendMultipartAsync(close, ct);
    }
}
