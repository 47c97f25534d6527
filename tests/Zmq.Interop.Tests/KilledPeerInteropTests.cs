using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Zmq.Interop.Tests;

/// <summary>
/// Our CLIENT streams numbered messages to a SERVER process that is killed mid-stream and started
/// again on the same endpoint. What CLIENT promises (as libzmq's does): messages already handed to
/// the dead connection (in its kernel buffers or in the dead process) are gone with it; every message
/// still in our queue goes to the new server, in order, once; so do those sent while no server was up
/// and after the restart. So the killed server got 0..k-1, the new one gets j..last with j ≥ k, every
/// index from j on, strictly increasing; j - k were lost in flight.
/// </summary>
public class KilledPeerInteropTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Sent before the kill.</summary>
    private const int Burst = 5000;

    /// <summary>Sent after our CLIENT saw the connection die and before the new server exists.</summary>
    private const int WhileDown = 100;

    /// <summary>Sent after the new server's handshake.</summary>
    private const int AfterRestart = 100;

    private const int Last = Burst + WhileDown + AfterRestart - 1;

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurClient_AfterItsLibzmqServerIsKilled_GivesItsReplacementEveryQueuedMessageOnceAndInOrder(string transport)
    {
        const int stallAfter = 200, size = 200;
        const uint salt = 21;
        using var bind = Transports.LibzmqBind(transport);
        await using var client = StreamingClient();
        var events = new MonitorEvents(client);

        // The first server stops reading after 200 messages, with small kernel buffers on both ends:
        // when it is killed, part of the burst is in flight (lost) and most of it is still in our queue.
        await using var first = NodePeer.Start(new PeerConfig { Mode = "sink", Bind = bind.Endpoint, StallAfter = stallAfter, ReceiveBufferSize = 32 * 1024 });
        string endpoint = await first.WaitForReadyAsync();
        client.Connect(endpoint);
        await SendAsync(client, 0, Burst, i => Payload.Make(salt, i, size));
        var firstGot = Indices(await first.WaitForReportAsync("STALLED "));
        Assert.Equal(Enumerable.Range(0, stallAfter), firstGot);
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);

        await first.KillAsync();
        await events.WaitForAsync(SocketEventType.Disconnected);
        await SendAsync(client, Burst, WhileDown, i => Payload.Make(salt, i, size));
        await using var second = NodePeer.Start(new PeerConfig { Mode = "sink", Bind = endpoint, Until = Last });
        Assert.Equal(endpoint, await second.WaitForReadyAsync());
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        await SendAsync(client, Burst + WhileDown, AfterRestart, i => Payload.Make(salt, i, size));

        AssertResumed(firstGot, Indices(await second.WaitForDoneAsync()), second);
    }

    [Fact]
    public async Task OurClient_AfterItsZmqCatServerIsKilled_GivesItsReplacementEveryQueuedMessageOnceAndInOrder()
    {
        // A path the test chooses: `zmq cat` reports where it bound on stderr only.
        using var bind = Transports.IpcPath();
        await using var client = StreamingClient();
        var events = new MonitorEvents(client);

        // cat cannot be told to stop reading, but it prints every message: once we stop reading its
        // stdout after line 100, it can get at most a pipe's worth (64 KiB, ~130 of these lines)
        // further, so the kill below lands mid-stream with most of the 2.5 MB burst still queued with us.
        await using var first = ZmqCatPeer.StartServer(bind.Endpoint);
        first.HoldOutputAfter(l => ParseIndex(l) == 99);
        client.Connect(bind.Endpoint);
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        await SendAsync(client, 0, Burst, Line);
        await first.OutputHeld.WaitAsync(Ours.Wait);
        await first.KillAsync();
        var firstGot = first.Lines.Select(ParseIndex).ToList();
        Assert.Equal(Enumerable.Range(0, firstGot.Count), firstGot);
        Assert.True(firstGot.Count < Burst, $"cat printed all {firstGot.Count} messages before the kill: not mid-stream");

        await events.WaitForAsync(SocketEventType.Disconnected);
        await SendAsync(client, Burst, WhileDown, Line);
        await using var second = ZmqCatPeer.StartServer(bind.Endpoint);
        await events.WaitForAsync(SocketEventType.HandshakeSucceeded);
        await SendAsync(client, Burst + WhileDown, AfterRestart, Line);

        await second.WaitForLineAsync(l => ParseIndex(l) == Last, $"for message {Last}");
        AssertResumed(firstGot, second.Lines.Select(ParseIndex).ToList(), second);
    }

    private static ClientSocket StreamingClient()
    {
        var client = Ours.Client();
        // The whole stream fits in our queue: no send waits while no server is up, so what the test
        // sends "while down" really is queued then.
        client.SendHighWatermark = 100_000;
        client.SendBufferSize = 32 * 1024;
        client.ReconnectInterval = TimeSpan.FromMilliseconds(20);
        return client;
    }

    private static async Task SendAsync(ClientSocket client, int from, int count, Func<int, byte[]> message)
    {
        using var cts = new CancellationTokenSource(Ours.Wait);
        for (int i = from; i < from + count; i++)
        {
            await client.SendAsync(message(i), cts.Token);
        }
    }

    /// <summary>A text line for `zmq cat`: the index, then padding so a pipe's worth of output is few lines.</summary>
    private static byte[] Line(int index) => Encoding.ASCII.GetBytes($"{index} {new string('.', 500)}");

    private static int ParseIndex(string line) => int.Parse(line.AsSpan(0, line.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);

    private static List<int> Indices(JsonElement report) =>
        [.. report.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32())];

    /// <summary>The replacement got a gap-free, duplicate-free, in-order run from where the killed
    /// server's share (plus whatever died in flight) ended up to the last message sent.</summary>
    private void AssertResumed(List<int> firstGot, List<int> secondGot, PeerProcess second)
    {
        string context = secondGot.Count == 0
            ? $"killed server got 0..{firstGot.Count - 1}; replacement got nothing."
            : $"killed server got 0..{firstGot.Count - 1}; replacement got {secondGot.Count} messages, {secondGot[0]}..{secondGot[^1]}; lost in flight: {secondGot[0] - firstGot.Count}.";
        // The split between delivered, lost in flight and resent depends on timing; it is worth seeing.
        output.WriteLine(context);
        Assert.True(secondGot.Count > 0, $"the replacement got nothing. {context}{second.Describe()}");
        int from = secondGot[0];
        Assert.True(from >= firstGot.Count, $"the replacement got message {from} again (a duplicate). {context}");
        Assert.True(from <= Burst, $"messages {Burst}..{from - 1}, sent after the kill, never arrived. {context}");
        for (int k = 1; k < secondGot.Count; k++)
        {
            Assert.True(secondGot[k] == secondGot[k - 1] + 1,
                $"after {secondGot[k - 1]} the replacement got {secondGot[k]}: {(secondGot[k] <= secondGot[k - 1] ? "reordered or duplicated" : "a gap")}. {context}");
        }
        Assert.Equal(Last, secondGot[^1]);
    }
}
