// PUB/SUB on loopback: one publisher, two subscribers with different topic prefixes. Each
// subscriber receives only the messages whose first frame starts with a prefix it subscribed to.
using Zmq;

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

await using var pub = new PublisherSocket();
pub.Bind("tcp://127.0.0.1:*");
Console.WriteLine($"publisher: bound on {pub.LastEndpoint}");

await using var weather = new SubscriberSocket();
weather.Subscribe("weather.");
weather.Connect(pub.LastEndpoint!);
await using var everything = new SubscriberSocket();
everything.Subscribe("");                             // "" matches every topic
everything.Connect(pub.LastEndpoint!);

void Publish(string topic, string body)
{
    pub.Send(topic, more: true);                      // the first frame is the topic
    pub.Send(body);
}

// A publisher drops what no subscriber has asked for, and a subscription reaches it only once the
// subscriber has connected: so say hello until both subscribers have heard one, and skip hellos later.
const string Hello = "weather.hello";
while (!weather.CanReceive || !everything.CanReceive)
{
    Publish(Hello, "");
    await Task.Delay(10, timeout.Token);
}

using var frames = new MultipartMessage();            // reused for every receive
async Task<string> NextAsync(SubscriberSocket sub)
{
    do
    {
        await sub.ReceiveMultipartAsync(frames, timeout.Token);
    }
    while (frames[0].ToString() == Hello);
    return $"{frames[0]} = {frames[1]}";
}

Publish("weather.rain", "12 mm");
Publish("traffic.a7", "jammed");
Publish("weather.wind", "40 km/h");

// Messages from one publisher arrive in order, so had the traffic one reached the weather
// subscriber, it would be its second message here.
Console.WriteLine($"weather subscriber: {await NextAsync(weather)}");
Console.WriteLine($"weather subscriber: {await NextAsync(weather)}");
for (int i = 0; i < 3; i++)
{
    Console.WriteLine($"all-topics subscriber: {await NextAsync(everything)}");
}
