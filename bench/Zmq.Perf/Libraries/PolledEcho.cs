namespace Zmq.Perf.Libraries;

/// <summary>The bind side of the poller rows for a library whose poller marks ready items in a
/// fixed array (zmq_poll, NetMQSelector): PAIRs bound one per endpoint, the last one the active
/// one; each echo answers the next ready item, polling again when none is left.</summary>
internal abstract class PolledEcho(int count) : IBenchSocket
{
    /// <summary>Where the scan of the last poll's results stands; past the end: poll again.</summary>
    private int _next = int.MaxValue;

    public string Bind(string endpoint)
    {
        for (int i = 0; i < count; i++)
        {
            BindOne(i, $"{endpoint}-{i}");
        }
        // The last one is the one that talks: a poller that scans finds it last.
        return $"{endpoint}-{count - 1}";
    }

    public int Echo()
    {
        while (true)
        {
            for (_next = Math.Min(_next, count); _next < count; _next++)
            {
                if (TakeReady(_next))
                {
                    return EchoOne(_next++);
                }
            }
            if (!Poll((long)BenchSocketDefaults.Stall.TotalMilliseconds))
            {
                throw new TimeoutException($"no PAIR was readable within {BenchSocketDefaults.Stall.TotalSeconds} s");
            }
            _next = 0;
        }
    }

    protected abstract void BindOne(int index, string endpoint);

    /// <summary>Whether the last poll found item <paramref name="index"/> readable (and forgets it).</summary>
    protected abstract bool TakeReady(int index);

    protected abstract int EchoOne(int index);

    /// <summary>Waits up to <paramref name="timeoutMs"/> for any item; false when none became ready.</summary>
    protected abstract bool Poll(long timeoutMs);

    public void Connect(string endpoint) => throw new NotSupportedException("the polled side binds");

    public void Send(int length) => throw new NotSupportedException("the polled side only echoes");

    public int Receive() => throw new NotSupportedException("the polled side only echoes");

    public abstract void Dispose();
}
