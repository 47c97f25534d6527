using System.Diagnostics;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>
/// The two ends of the fan-out workload. A publisher drops what a full subscriber queue cannot
/// take, so neither the start nor the end can be agreed by a message that must arrive: the
/// publisher publishes for a fixed time that covers the subscribers' start-up, then repeats its end
/// marker for a while; the subscribers count over a window that opens a warm-up after every one of
/// them has its first message and closes at the last data message each received.
/// </summary>
internal static class FanOutSides
{
    /// <summary>Publishing time allowed for the subscribing process to start and connect.</summary>
    public static readonly TimeSpan StartUp = TimeSpan.FromSeconds(1.5);

    private static readonly TimeSpan EndMarkers = TimeSpan.FromSeconds(1);

    public static SideResult Publish(IBenchSocket socket, int size, Settings settings)
    {
        long stopAt = Stopwatch.GetTimestamp() + Ticks(StartUp + settings.Warmup + settings.Duration);
        var start = Snapshot.Take(0);
        long sent = 0;
        while (sent < settings.MaxMessages && ((sent & 63) != 0 || Stopwatch.GetTimestamp() < stopAt))
        {
            socket.Send(size);
            sent++;
        }
        var end = Snapshot.Take(sent);
        long markersUntil = Stopwatch.GetTimestamp() + Ticks(EndMarkers);
        while (Stopwatch.GetTimestamp() < markersUntil)
        {
            socket.Send(0);
            Thread.Sleep(5);
        }
        return Snapshot.Between("publisher", start, end, 0);
    }

    public static SideResult Subscribe(IReadOnlyList<IBenchSocket> sockets, int size, Settings settings)
    {
        int n = sockets.Count;
        var tallies = new Tally[n];
        var errors = new Exception?[n];
        using var done = new CountdownEvent(n);
        for (int i = 0; i < n; i++)
        {
            int index = i;
            new Thread(() =>
            {
                try
                {
                    int length;
                    while ((length = sockets[index].Receive()) > 0)
                    {
                        ref var tally = ref tallies[index];
                        tally.Bad += length != size ? 1 : 0;
                        long count = tally.Count + 1;
                        // The clock every 64 messages, as the senders read it: per message it cost
                        // each subscriber more than a fast library's receive.
                        if ((count & 63) == 1)
                        {
                            tally.LastData = Stopwatch.GetTimestamp();
                        }
                        Volatile.Write(ref tally.Count, count);
                    }
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException or ObjectDisposedException)
                {
                    errors[index] = e;
                }
                finally
                {
                    done.Signal();
                }
            })
            { Name = $"subscriber-{index}", IsBackground = true }.Start();
        }

        // The window opens a warm-up after the last subscriber got its first message.
        long giveUp = Stopwatch.GetTimestamp() + Ticks(StartUp + BenchSocketDefaults.Stall);
        while (!done.IsSet && Enumerable.Range(0, n).Any(i => Volatile.Read(ref tallies[i].Count) == 0) && Stopwatch.GetTimestamp() < giveUp)
        {
            Thread.Sleep(1);
        }
        done.Wait(settings.Warmup);
        var start = Snapshot.Take(Enumerable.Range(0, n).Sum(i => Volatile.Read(ref tallies[i].Count)));
        done.Wait();
        var error = errors.FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            throw new InvalidOperationException($"a subscriber failed: {error.Message}", error);
        }
        int starved = Array.FindIndex(tallies, t => t.Count == 0);
        if (starved >= 0)
        {
            throw new InvalidOperationException($"subscriber {starved} received no message: its subscription never reached the publisher");
        }
        var end = Snapshot.Take(tallies.Sum(t => t.Count));
        // The clock stops at the last data message, not at the end marker that came after a pause.
        long last = tallies.Max(t => t.LastData);
        if (last <= start.Ticks)
        {
            throw new InvalidOperationException("the publisher stopped before the measured window opened: lengthen the run");
        }
        end = end with { Ticks = last };
        return Snapshot.Between("subscribers", start, end, tallies.Sum(t => t.Bad));
    }

    /// <summary>One subscriber thread's counters, a cache line apart from the next one's: written
    /// per message by ten threads, packed counters would cost every library the same false sharing.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct Tally
    {
        [System.Runtime.InteropServices.FieldOffset(0)]
        public long Count;

        [System.Runtime.InteropServices.FieldOffset(8)]
        public long LastData;

        [System.Runtime.InteropServices.FieldOffset(16)]
        public long Bad;
    }

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);
}
