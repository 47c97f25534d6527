using System.Buffers.Binary;

namespace Zmq.Interop.Tests;

/// <summary>
/// PUB/SUB at the high-water marks against libzmq 4.3.5, both ways. A subscriber that stops reading
/// fills its queue (to its receive HWM) and stops reading its connection; the publisher's queue for
/// it then fills (to its send HWM) and from there the publisher drops what it cannot queue, without
/// waiting. So the subscriber receives fewer messages than were published, no more than the queues
/// and buffers between them hold, those it gets in the order they were sent, and once it reads
/// again the same connection carries new messages. Messages are <see cref="Payload.Make"/> with the
/// salt as topic, so each carries its index.
/// </summary>
public class PubSubHighWaterMarkInteropTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Size = 1000;

    /// <summary>5 MB: many times what the HWMs and the buffers below can hold, so most of the burst
    /// must be dropped.</summary>
    private const int Count = 5000;

    private const int Hwm = 20;

    /// <summary>libzmq's default ZMQ_SNDHWM.</summary>
    private const int LibzmqDefaultHwm = 1000;

    /// <summary>What the buffers between a stalled subscriber's queue and the publisher's can hold, at
    /// most: two kernel buffers of 32 KiB (which Linux doubles: 128 messages), our 64 KiB read or
    /// write batch and libzmq's 8 KiB one (72 messages); 200, doubled for margin.</summary>
    private const int InBuffersAtMost = 400;

    private const int KernelBuffer = 32 * 1024;

    /// <summary>Indices from here on are probes sent to learn that the subscription is in place.</summary>
    private const int ProbeBase = 1_000_000;

    [Fact]
    public async Task OurPublisher_NeverWaitsForALibzmqSubscriberThatStopsReading_ItDropsAndWhatArrivesIsInOrder()
    {
        const uint salt = 31;
        byte[] topic = Topic(salt);
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero, SendHighWatermark = Hwm, SendBufferSize = KernelBuffer };
        pub.Bind("tcp://127.0.0.1:*");
        await using var peer = NodePeer.Start(new PeerConfig
        {
            Mode = "interactive",
            Socket = "sub",
            Connect = pub.LastEndpoint,
            ReceiveHighWaterMark = Hwm,
            ReceiveBufferSize = KernelBuffer,
        });
        await peer.SubscribeAsync(topic);
        int probe = ProbeBase;
        await PubSubInteropTests.ProbeUntilAsync(
            () => pub.Send(Payload.Make(salt, probe++, Size)),
            async () => await peer.ReceiveFramesAsync("a probe", TimeSpan.FromMilliseconds(100)));
        await peer.PauseReceivingAsync();

        // The subscriber reads nothing until the burst is out: a publisher that waited for room
        // would never finish it.
        int sent = 0;
        var publishing = Task.Run(() =>
        {
            for (int i = 0; i < Count; i++)
            {
                pub.Send(Payload.Make(salt, i, Size));
                Volatile.Write(ref sent, i + 1);
            }
        });
        try
        {
            await publishing.WaitAsync(Ours.Wait);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"our publisher waited at the high-water mark: {Volatile.Read(ref sent)} of {Count} sends returned in {Ours.Wait.TotalSeconds} s while the libzmq subscriber was not reading.{peer.Describe()}");
        }
        await peer.ResumeReceivingAsync();

        // Reading again, the subscriber gets what was held, then messages published from now on:
        // markers (indices from Count on) until one arrives.
        int marker = Count;
        await PubSubInteropTests.ProbeUntilAsync(
            () => pub.Send(Payload.Make(salt, marker++, Size)),
            async () => await peer.WaitForLineAsync(l => IndexOfLine(l) is >= Count and < ProbeBase, "a message published after the subscriber resumed", TimeSpan.FromMilliseconds(200)));

        var got = peer.Lines.Select(IndexOfLine).Where(i => i is >= 0 and < ProbeBase).ToList();
        // Held: our queue, libzmq's, and the buffers in between (seen: 80 to 120 of the burst).
        AssertDroppedInOrder(got, Hwm + Hwm + InBuffersAtMost, "\nlibzmq's other lines: " + string.Join("; ", peer.Lines.Where(l => !l.StartsWith("MSG ", StringComparison.Ordinal))));
        Assert.DoesNotContain("EVENT disconnect", peer.Lines);
    }

    [Fact]
    public async Task OurSubscriberThatStopsReading_HoldsOnlyUpToItsHighWaterMark_SoALibzmqPublisherDrops_AndTheSameConnectionCarriesOn()
    {
        const uint salt = 32;
        await using var peer = NodePeer.Start(new PeerConfig
        {
            Mode = "interactive",
            Socket = "pub",
            Bind = "tcp://127.0.0.1:*",
            SendHighWaterMark = LibzmqDefaultHwm,
            SendBufferSize = KernelBuffer,
        });
        string endpoint = await peer.WaitForReadyAsync();
        await using var sub = new SubscriberSocket { Linger = TimeSpan.Zero, ReceiveHighWatermark = Hwm, ReceiveBufferSize = KernelBuffer };
        var events = new MonitorEvents(sub);
        sub.Subscribe(Topic(salt));
        sub.Connect(endpoint);
        int probe = ProbeBase;
        await PubSubInteropTests.ProbeUntilAsync(
            () => peer.BlastAsync(salt, probe++, 1, Size),
            async () => await Ours.ReceiveWithinAsync(sub, TimeSpan.FromMilliseconds(100)));

        // Our subscriber does not read while libzmq publishes the burst; libzmq's send never waits.
        await peer.BlastAsync(salt, 0, Count, Size);

        // Reading again: what our subscriber held and what was in flight, then markers published
        // from now on (indices from Count on), one per 200 ms without a message, until one arrives.
        var got = new List<int>();
        int marker = Count;
        var resumed = PubSubInteropTests.ProbeUntilAsync(
            () => peer.BlastAsync(salt, marker++, 1, Size),
            async () =>
            {
                while (true)
                {
                    var m = await Ours.ReceiveWithinAsync(sub, TimeSpan.FromMilliseconds(200));
                    Assert.Equal(salt, BinaryPrimitives.ReadUInt32BigEndian(m.Span));
                    int index = Payload.IndexOf(m.Span);
                    if (index < ProbeBase)
                    {
                        got.Add(index);
                    }
                    if (index is >= Count and < ProbeBase)
                    {
                        return;
                    }
                }
            });
        try
        {
            await resumed;
        }
        catch (TimeoutException)
        {
            Assert.Fail($"none of the {marker - Count} messages libzmq published after our subscriber read again arrived; {got.Count} received before: {Summarize(got)}.{peer.Describe()}");
        }

        // Held: our queue, libzmq's, and the buffers in between. libzmq's PUB is the one to drop, but
        // only because ours stopped reading: a subscriber that read past its HWM would let through
        // all but what libzmq's sending thread outran its I/O thread by (seen: 3,300 to 4,900 of the
        // burst, against 999 to 1,000 here).
        AssertDroppedInOrder(got, Hwm + LibzmqDefaultHwm + InBuffersAtMost, peer.Describe());
        // The same connection throughout: one handshake on either side, no disconnect.
        var seen = await events.CollectAsync(TimeSpan.FromMilliseconds(200));
        Assert.True(
            seen.Count(e => e.Type == SocketEventType.HandshakeSucceeded) == 1 && !seen.Any(e => e.Type == SocketEventType.Disconnected),
            $"our subscriber's connection did not stay up: {string.Join("; ", seen)}");
        Assert.Single(peer.Lines, "EVENT handshake");
        Assert.DoesNotContain("EVENT disconnect", peer.Lines);
    }

    /// <summary>The subscriber got the first message (nothing was queued then), less than the burst,
    /// no more than the queues and buffers hold, every index once and in order, and then a marker
    /// published after it resumed.</summary>
    private void AssertDroppedInOrder(List<int> got, int heldAtMost, string peer)
    {
        string summary = $"{got.Count} messages received: {Summarize(got)}";
        output.WriteLine(summary);
        Assert.True(got.Count > 0 && got[^1] >= Count, $"no message published after the subscriber resumed arrived; {summary}.{peer}");
        for (int i = 1; i < got.Count; i++)
        {
            Assert.True(got[i] > got[i - 1], $"message {got[i]} arrived after {got[i - 1]}: out of order or twice; {summary}.{peer}");
        }
        var burst = got.Where(i => i < Count).ToList();
        Assert.True(burst.Count > 0 && burst[0] == 0, $"the first message of the burst, published into empty queues, was lost; {summary}.{peer}");
        Assert.True(burst.Count < Count, $"all {Count} messages arrived: nothing was dropped at the high-water marks; {summary}.{peer}");
        Assert.True(burst.Count <= heldAtMost, $"{burst.Count} of the burst arrived, more than the HWMs and buffers can hold ({heldAtMost}): a queue grew past its high-water mark; {summary}.{peer}");
    }

    private static byte[] Topic(uint salt)
    {
        var topic = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(topic, salt);
        return topic;
    }

    /// <summary>The index in a peer's <c>MSG 0 hex</c> line, or -1 for any other line.</summary>
    private static int IndexOfLine(string line)
    {
        if (!line.StartsWith("MSG 0 ", StringComparison.Ordinal) || line.Length < "MSG 0 ".Length + 16)
        {
            return -1;
        }
        return Payload.IndexOf(Convert.FromHexString(line.AsSpan("MSG 0 ".Length, 16)));
    }

    /// <summary>Runs of consecutive indices, e.g. "0-212, 455-470, 3000".</summary>
    private static string Summarize(List<int> indices)
    {
        var runs = new List<string>();
        for (int i = 0; i < indices.Count;)
        {
            int j = i;
            while (j + 1 < indices.Count && indices[j + 1] == indices[j] + 1)
            {
                j++;
            }
            runs.Add(i == j ? $"{indices[i]}" : $"{indices[i]}-{indices[j]}");
            i = j + 1;
        }
        return string.Join(", ", runs);
    }
}
