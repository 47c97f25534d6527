// PUSH/PULL on loopback: a ventilator pushes tasks, round-robin, to three workers; each worker
// pulls tasks, does them, and pushes the results to one sink, which pulls from all of them.
using Zmq;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
const int Tasks = 30;

await using var ventilator = new PushSocket();
ventilator.Bind("tcp://127.0.0.1:*");
await using var sink = new PullSocket();
sink.Bind("tcp://127.0.0.1:*");

var workers = Enumerable.Range(1, 3).Select(id => Task.Run(async () =>
{
    await using var tasks = new PullSocket();
    tasks.Connect(ventilator.LastEndpoint!);
    await using var results = new PushSocket();
    results.Connect(sink.LastEndpoint!);
    using var task = new MultipartMessage();
    while (!timeout.IsCancellationRequested)
    {
        await tasks.ReceiveMultipartAsync(task, timeout.Token);   // frames: "square", the number
        if (task[0].ToString() == "stop")
        {
            return;
        }
        int n = int.Parse(task[1].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        using var result = new MultipartMessage($"worker {id}", $"{n * n}");
        await results.SendMultipartAsync(result, timeout.Token);
    }
})).ToList();

// The workers connect in the background: messages sent before a worker is there go to those that
// are (a PUSH never drops; it waits at the high-water mark).
for (int i = 1; i <= Tasks; i++)
{
    using var task = new MultipartMessage("square", $"{i}");
    await ventilator.SendMultipartAsync(task, timeout.Token);
}

long sum = 0;
var byWorker = new Dictionary<string, int>();
using (var result = new MultipartMessage())
{
    for (int i = 0; i < Tasks; i++)
    {
        await sink.ReceiveMultipartAsync(result, timeout.Token);
        sum += long.Parse(result[1].ToString(), System.Globalization.CultureInfo.InvariantCulture);
        byWorker[result[0].ToString()] = byWorker.GetValueOrDefault(result[0].ToString()) + 1;
    }
}
for (int i = 0; i < workers.Count; i++)
{
    await ventilator.SendAsync("stop", timeout.Token);
}
await Task.WhenAll(workers);
Console.WriteLine($"sink: {Tasks} results, sum of squares {sum}");
Console.WriteLine($"sink: the work was shared by {byWorker.Count} worker(s): {string.Join(", ", byWorker.Select(w => $"{w.Key} did {w.Value}"))}");
