namespace Zmq.Perf.Libraries;

/// <summary>
/// One socket of one library, reduced to what the workloads need. Every blocking call gives up after
/// <see cref="BenchSocketDefaults.Stall"/> with a <see cref="TimeoutException"/>, so a stuck library
/// fails its row instead of hanging the run.
/// </summary>
internal interface IBenchSocket : IDisposable
{
    /// <summary>Binds and returns the endpoint a peer connects to (wildcards resolved).</summary>
    string Bind(string endpoint);

    void Connect(string endpoint);

    /// <summary>Sends a message of <paramref name="length"/> bytes built in the library's own message
    /// buffer, contents unset, as libzmq's <c>remote_thr</c> does with <c>zmq_msg_init_size</c>.
    /// Length 0 is the end marker.</summary>
    void Send(int length);

    /// <summary>Receives one message without copying it out (as <c>local_thr</c> does into one reused
    /// <c>zmq_msg_t</c>) and returns its length.</summary>
    int Receive();

    /// <summary>Receives one message and sends it back to its sender, unless it is empty (the end
    /// marker), which is not answered. Returns the length.</summary>
    int Echo();
}

internal static class BenchSocketDefaults
{
    /// <summary>How long one send or receive may wait before the row is given up.</summary>
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(10);

    /// <summary>Same high-water mark on every library (libzmq's default), so queues are equally deep.</summary>
    public const int Hwm = 1000;

    /// <summary>The largest message a workload sends; receive buffers are this size.</summary>
    public const int MaxMessage = 1 << 20;
}
