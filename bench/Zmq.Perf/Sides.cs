using System.Diagnostics;
using Zmq.Perf.Libraries;

namespace Zmq.Perf;

/// <summary>Round-trip percentiles of a latency client, in microseconds.</summary>
internal sealed record LatencyStats(long Count, double MeanUs, double P50Us, double P99Us, double MinUs, double MaxUs);

/// <summary>What one side measured over its window. Allocation and CPU time are process-wide
/// (they include the library's I/O threads, which do half the work), so with both sides in one
/// process only the measuring side's figures are used.</summary>
internal sealed record SideResult(string Role, long Messages, double Seconds, long Allocated, double CpuSeconds, long Bad, LatencyStats? Latency = null, ScaleStats? Scale = null);

/// <summary>The process-wide counters at one instant of a run.</summary>
internal readonly record struct Snapshot(long Ticks, long Allocated, TimeSpan Cpu, long Count)
{
    public static Snapshot Take(long count)
    {
        // CPU first and clock last at the start (and the reverse at the end) keeps each reading's
        // own cost out of the other readings.
        var cpu = Environment.CpuUsage.TotalTime;
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        return new Snapshot(Stopwatch.GetTimestamp(), allocated, cpu, count);
    }

    public static SideResult Between(string role, Snapshot start, Snapshot end, long bad, LatencyStats? latency = null) => new(
        role,
        end.Count - start.Count,
        Stopwatch.GetElapsedTime(start.Ticks, end.Ticks).TotalSeconds,
        end.Allocated - start.Allocated,
        (end.Cpu - start.Cpu).TotalSeconds,
        bad,
        latency);
}

/// <summary>
/// The two ends of every workload. An empty message marks the end of a sender's stream (every
/// payload is at least 1 byte), so the receiver needs no prior agreement on counts. Clocks are read
/// every 64 messages on the fast paths, where a read would otherwise cost a noticeable share.
/// </summary>
internal static class Sides
{
    private const int ClockMask = 63;

    /// <summary>The bind side: receives (or echoes) until every sender's end marker arrived. The
    /// window opens <paramref name="warmup"/> after the first message.</summary>
    public static SideResult BindSide(IBenchSocket socket, bool echo, int size, TimeSpan warmup, int senders)
    {
        int mask = echo ? 0 : ClockMask;
        int ends = 0;
        long count = 0;
        long bad = 0;
        int n = echo ? socket.Echo() : socket.Receive();
        Count(n);
        var start = Snapshot.Take(count);
        long warmEnd = start.Ticks + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        bool warm = warmup <= TimeSpan.Zero;
        while (ends < senders)
        {
            n = echo ? socket.Echo() : socket.Receive();
            Count(n);
            if (!warm && (count & mask) == 0 && Stopwatch.GetTimestamp() >= warmEnd)
            {
                warm = true;
                start = Snapshot.Take(count);
            }
        }
        var end = Snapshot.Take(count);
        return Snapshot.Between(echo ? "echo" : "receiver", start, end, bad);

        void Count(int length)
        {
            if (length == 0)
            {
                ends++;
                return;
            }
            count++;
            bad += length != size ? 1 : 0;
        }
    }

    /// <summary>
    /// The connect side of a stream: each socket sends from its own thread for warm-up + duration
    /// (or MaxMessages), then its end marker. This thread takes the process-wide readings when the
    /// warm-up ends and after all senders are done.
    /// </summary>
    public static SideResult SendSide(IReadOnlyList<IBenchSocket> sockets, int size, Settings settings)
    {
        long t0 = Stopwatch.GetTimestamp();
        long warmEnd = t0 + (long)(settings.Warmup.TotalSeconds * Stopwatch.Frequency);
        long stopAt = warmEnd + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        var atWarm = new long[sockets.Count];
        var atEnd = new long[sockets.Count];
        var errors = new Exception?[sockets.Count];
        using var done = new CountdownEvent(sockets.Count);
        var start = Snapshot.Take(0);
        for (int i = 0; i < sockets.Count; i++)
        {
            int index = i;
            new Thread(() =>
            {
                try
                {
                    (atWarm[index], atEnd[index]) = SendStream(sockets[index], size, warmEnd, stopAt, settings.MaxMessages);
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
            { Name = $"sender-{index}", IsBackground = true }.Start();
        }
        if (!done.Wait(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), warmEnd) is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero))
        {
            start = Snapshot.Take(0);
        }
        done.Wait();
        var end = Snapshot.Take(atEnd.Sum() - atWarm.Sum());
        var error = errors.FirstOrDefault(e => e is not null);
        if (error is not null)
        {
            throw new InvalidOperationException($"a sender failed: {error.Message}", error);
        }
        return Snapshot.Between("sender", start, end, 0);
    }

    /// <summary>Returns the count sent when the warm-up ended and the count at the end.</summary>
    private static (long AtWarm, long AtEnd) SendStream(IBenchSocket socket, int size, long warmEnd, long stopAt, long max)
    {
        long sent = 0;
        long atWarm = 0;
        bool warm = Stopwatch.GetTimestamp() >= warmEnd;
        while (sent < max)
        {
            socket.Send(size);
            sent++;
            if ((sent & ClockMask) == 0)
            {
                long t = Stopwatch.GetTimestamp();
                if (!warm && t >= warmEnd)
                {
                    warm = true;
                    atWarm = sent;
                }
                if (t >= stopAt)
                {
                    break;
                }
            }
        }
        socket.Send(0);
        return (atWarm, sent);
    }

    /// <summary>The latency client: one request at a time, each round trip timed separately.</summary>
    public static SideResult RoundTrips(IBenchSocket socket, int size, Settings settings)
    {
        long bad = 0;
        long t0 = Stopwatch.GetTimestamp();
        long warmEnd = t0 + (long)(settings.Warmup.TotalSeconds * Stopwatch.Frequency);
        long trips = 0;
        while (trips < settings.MaxMessages && Stopwatch.GetTimestamp() < warmEnd)
        {
            socket.Send(size);
            bad += socket.Receive() != size ? 1 : 0;
            trips++;
        }
        // Room for every trip a fast library can make in the window (≥ 5 µs each), capped.
        long cap = Math.Min(settings.MaxMessages - trips, (long)Math.Min(settings.Duration.TotalSeconds * 200_000, 4_000_000));
        var ticks = new long[Math.Max(cap, 1)];
        var start = Snapshot.Take(0);
        long stopAt = start.Ticks + (long)(settings.Duration.TotalSeconds * Stopwatch.Frequency);
        int i = 0;
        while (i < cap)
        {
            long a = Stopwatch.GetTimestamp();
            socket.Send(size);
            bad += socket.Receive() != size ? 1 : 0;
            long b = Stopwatch.GetTimestamp();
            ticks[i++] = b - a;
            if (b >= stopAt)
            {
                break;
            }
        }
        var end = Snapshot.Take(i);
        socket.Send(0);
        return Snapshot.Between("client", start, end, bad, Stats(ticks.AsSpan(0, i)));
    }

    private static LatencyStats? Stats(Span<long> ticks)
    {
        if (ticks.Length == 0)
        {
            return null;
        }
        ticks.Sort();
        double us = 1e6 / Stopwatch.Frequency;
        double sum = 0;
        foreach (long t in ticks)
        {
            sum += t;
        }
        return new LatencyStats(ticks.Length, sum / ticks.Length * us, Percentile(ticks, 0.50) * us, Percentile(ticks, 0.99) * us, ticks[0] * us, ticks[^1] * us);
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static long Percentile(Span<long> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
