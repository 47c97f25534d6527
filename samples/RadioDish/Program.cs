// RADIO/DISH on loopback: one radio, two dishes that joined different groups. A group is matched
// exactly (no prefixes), every received message says which group it came from, and every call is
// safe from many threads at once: here, two threads broadcast through the one RadioSocket.
using Zmq;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

await using var radio = new RadioSocket();
radio.Bind("tcp://127.0.0.1:*");
Console.WriteLine($"radio: bound on {radio.LastEndpoint}");

await using var scores = new DishSocket();
scores.Join("scores");
scores.Connect(radio.LastEndpoint!);
await using var both = new DishSocket();
both.Join("scores");
both.Join("weather");
both.Connect(radio.LastEndpoint!);

// A RADIO sends a group's messages only to dishes whose JOIN has reached it, which happens once they
// are connected: so say hello until both dishes have heard one, and skip hellos later.
const string Hello = "hello";
while (!scores.CanReceive || !both.CanReceive)
{
    radio.Send("scores", Hello);
    await Task.Delay(10, timeout.Token);
}

async Task<string> NextAsync(DishSocket dish)
{
    Message m;
    do
    {
        m = await dish.ReceiveAsync(timeout.Token);
    }
    while (m.ToString() == Hello);
    return $"{m.Group}: {m}";
}

// Two broadcasting threads share the radio; each message goes whole to its group's dishes.
await Task.WhenAll(
    Task.Run(() => radio.Send("scores", "3-1")),
    Task.Run(() => radio.Send("weather", "sunny")));
radio.Send("scor", "a prefix of a group: nobody joined it");
radio.Send("scores", "final 3-2");

// The scores dish never sees weather; the other sees both groups, scores in the order sent.
Console.WriteLine($"scores dish: {await NextAsync(scores)}");
Console.WriteLine($"scores dish: {await NextAsync(scores)}");
var seen = new List<string>();
for (int i = 0; i < 3; i++)
{
    seen.Add(await NextAsync(both));
}
seen.Sort(StringComparer.Ordinal);
foreach (var line in seen)
{
    Console.WriteLine($"scores+weather dish: {line}");
}
