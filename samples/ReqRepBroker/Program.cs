// REQ/REP through a broker: clients (REQ) ask a ROUTER, the proxy passes each request on through a
// DEALER to whichever service (REP) is free, and each reply finds its way back to its client
// through the envelope the ROUTER and DEALER keep.
using Zmq;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

await using var frontend = new RouterSocket();
frontend.Bind("tcp://127.0.0.1:*");
await using var backend = new DealerSocket();
backend.Bind("tcp://127.0.0.1:*");
await using var control = new PairSocket();
control.Bind("inproc://broker-control");
var broker = Proxy.RunAsync(frontend, backend, control: control, cancellationToken: timeout.Token);

var services = Enumerable.Range(1, 2).Select(id => Task.Run(async () =>
{
    await using var rep = new ResponseSocket { ReceiveTimeout = TimeSpan.FromSeconds(10) };
    rep.Connect(backend.LastEndpoint!);
    while (true)
    {
        string request = await rep.ReceiveStringAsync(timeout.Token);
        if (request == "stop")
        {
            await rep.SendAsync("stopped", timeout.Token);
            return;
        }
        using var reply = new MultipartMessage(request.ToUpperInvariant(), $"service {id}");
        await rep.SendMultipartAsync(reply, timeout.Token);
    }
})).ToList();

string[] names = ["alice", "bob"];
await Task.WhenAll(names.Select(name => Task.Run(async () =>
{
    await using var req = new RequestSocket();
    req.Connect(frontend.LastEndpoint!);
    for (int i = 1; i <= 3; i++)
    {
        await req.SendAsync($"{name} #{i}", timeout.Token);
        using var reply = new MultipartMessage();
        await req.ReceiveMultipartAsync(reply, timeout.Token);     // the answer, and who gave it
        string answer = reply[0].ToString();
        if (answer != $"{name.ToUpperInvariant()} #{i}")
        {
            throw new InvalidOperationException($"{name} got another request's reply: {answer}");
        }
        Console.WriteLine($"{name}: got '{answer}'");
        Console.WriteLine($"{name}: #{i} answered by {reply[1]}");
    }
})));

// One stop per service, then the broker itself.
await using (var req = new RequestSocket())
{
    req.Connect(frontend.LastEndpoint!);
    foreach (var _ in services)
    {
        await req.SendAsync("stop", timeout.Token);
        using var stopped = new MultipartMessage();
        await req.ReceiveMultipartAsync(stopped, timeout.Token);
    }
}
await Task.WhenAll(services);
await using (var steer = new PairSocket())
{
    steer.Connect("inproc://broker-control");
    steer.Send("TERMINATE");
    await broker;
}
Console.WriteLine("broker: every reply reached its client; terminated");
