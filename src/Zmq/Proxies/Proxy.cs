using Zmq.Messages;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// Connects two sockets (libzmq's <c>zmq_proxy</c> and <c>zmq_proxy_steerable</c>): every message the
/// frontend receives is sent whole on the backend, and every message the backend receives is sent
/// on the frontend, in each direction that the two types allow (a PULL frontend and a PUSH backend
/// run one way only). A ROUTER frontend and a DEALER backend make a request broker, an XSUB
/// frontend and an XPUB backend a forwarder with subscriptions crossing it. A capture socket, if
/// given, gets a copy of every message, either way. A control socket (REP or PAIR), if given,
/// takes the commands <c>PAUSE</c>, <c>RESUME</c>, <c>TERMINATE</c> and <c>STATISTICS</c>; the last is
/// answered with eight 8-byte frames in host byte order, as libzmq's: messages and bytes received
/// by the frontend, sent by it, received by the backend, sent by it (a message counts once, its
/// bytes are those of all its frames). A REP control socket gets an empty reply to the others.
/// <para>Runs until <c>TERMINATE</c> or the token is cancelled, then returns; a socket disposed
/// meanwhile ends it with <see cref="ObjectDisposedException"/>. The sockets stay the
/// application's: the proxy never closes them, and whole-message calls on them from other threads
/// stay safe.</para>
/// </summary>
public static class Proxy
{
    /// <summary>Runs the proxy on this thread; see <see cref="Proxy"/>.</summary>
    /// <exception cref="ArgumentNullException">The frontend or backend is null.</exception>
    /// <exception cref="ArgumentException">Two of the sockets are the same, or the pair can carry
    /// nothing either way.</exception>
    /// <exception cref="ObjectDisposedException">A socket was disposed while the proxy ran.</exception>
    public static void Run(ZmqSocket frontend, ZmqSocket backend, ZmqSocket? capture = null, ZmqSocket? control = null, CancellationToken cancellationToken = default) =>
        RunAsync(frontend, backend, capture, control, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Runs the proxy asynchronously; see <see cref="Proxy"/>.</summary>
    /// <exception cref="ArgumentNullException">The frontend or backend is null.</exception>
    /// <exception cref="ArgumentException">Two of the sockets are the same, or the pair can carry
    /// nothing either way.</exception>
    /// <exception cref="ObjectDisposedException">A socket was disposed while the proxy ran.</exception>
    public static async Task RunAsync(ZmqSocket frontend, ZmqSocket backend, ZmqSocket? capture = null, ZmqSocket? control = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frontend);
        ArgumentNullException.ThrowIfNull(backend);
        var all = new[] { frontend, backend, capture, control }.OfType<ZmqSocket>().ToList();
        if (all.Distinct().Count() != all.Count)
        {
            throw new ArgumentException("the frontend, backend, capture and control sockets must be four different sockets");
        }
        bool forward = Receives(frontend) && Sends(backend);
        bool backward = Receives(backend) && Sends(frontend);
        if (!forward && !backward)
        {
            throw new ArgumentException($"a {frontend.SocketType} frontend and a {backend.SocketType} backend carry nothing either way: one must receive what the other sends");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = new Session(capture, stop);
        var pumps = new List<Task>();
        if (forward)
        {
            pumps.Add(run.PumpAsync(frontend, backend, run.Front, run.Back));
        }
        if (backward)
        {
            pumps.Add(run.PumpAsync(backend, frontend, run.Back, run.Front));
        }
        if (control != null)
        {
            pumps.Add(run.ControlAsync(control));
        }
        var first = await Task.WhenAny(pumps).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        foreach (var pump in pumps)
        {
            try
            {
                await pump.ConfigureAwait(false);
            }
            catch (Exception) when (pump != first)
            {
                // Stopped by the cancellation above; what ended the run is the first task's.
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Stopped as asked: by TERMINATE, or the caller's token.
            }
        }
    }

    private static bool Receives(ZmqSocket socket) => SocketTypes.Of(socket.Type).Receives;

    private static bool Sends(ZmqSocket socket) => SocketTypes.Of(socket.Type).Sends;

    /// <summary>Counts for one side, as STATISTICS reports them. Each field has one writer (the pump
    /// that receives from, or sends to, this side), so a count is a plain add, published with a
    /// volatile write; the control task reads them.</summary>
    private sealed class Counts
    {
        public long ReceivedMessages, ReceivedBytes, SentMessages, SentBytes;
    }

    private static void Add(ref long count, long n) => Volatile.Write(ref count, count + n);

    private sealed class Session(ZmqSocket? capture, CancellationTokenSource stop)
    {
        public readonly Counts Front = new(), Back = new();

        /// <summary>Completed while running; a pending task while paused.</summary>
        private volatile TaskCompletionSource _running = Completed();

        private static TaskCompletionSource Completed()
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult();
            return done;
        }

        /// <summary>Moves whole messages, each frame as it was queued (ZmqSocket.TryTakeMessage,
        /// TryForwardMessage): no copy into a message and out again.</summary>
        public async Task PumpAsync(ZmqSocket from, ZmqSocket to, Counts received, Counts sent)
        {
            var ct = stop.Token;
            var held = new HeldMessage();
            using var copy = capture != null ? new MultipartMessage() : null;
            try
            {
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    if (_running.Task is { IsCompleted: false } paused)
                    {
                        await paused.WaitAsync(ct).ConfigureAwait(false);
                    }
                    // A pause that comes while this waits lets the message it waits for pass.
                    while (!from.TryTakeMessage(held))
                    {
                        await from.WaitToReceiveAsync(ct).ConfigureAwait(false);
                    }
                    long bytes = held.Bytes;
                    Add(ref received.ReceivedMessages, 1);
                    Add(ref received.ReceivedBytes, bytes);
                    if (copy != null)
                    {
                        copy.Clear();
                        for (int i = 0; i < held.Count; i++)
                        {
                            copy.Add(held.Frame(i).Span);
                        }
                        await capture!.SendMultipartAsync(copy, 0, ct).ConfigureAwait(false);
                    }
                    // Counted as handed on, before the send: a peer that has the message already finds it counted.
                    Add(ref sent.SentMessages, 1);
                    Add(ref sent.SentBytes, bytes);
                    while (!to.TryForwardMessage(held, held.RoutingId))
                    {
                        await to.WaitToSendAsync(ct).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                held.Clear();
            }
        }

        public async Task ControlAsync(ZmqSocket control)
        {
            var ct = stop.Token;
            using var command = new MultipartMessage();
            using var reply = new MultipartMessage();
            var value = new byte[8];
            while (true)
            {
                await control.ReceiveMultipartAsync(command, ct).ConfigureAwait(false);
                string name = command.Count > 0 ? command[0].ToString() : "";
                reply.Clear();
                switch (name)
                {
                    case "PAUSE":
                        if (_running.Task.IsCompleted)
                        {
                            _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        }
                        break;
                    case "RESUME":
                        _running.TrySetResult();
                        break;
                    case "STATISTICS":
                        foreach (long n in new[] { Volatile.Read(ref Front.ReceivedMessages), Volatile.Read(ref Front.ReceivedBytes), Volatile.Read(ref Front.SentMessages), Volatile.Read(ref Front.SentBytes), Volatile.Read(ref Back.ReceivedMessages), Volatile.Read(ref Back.ReceivedBytes), Volatile.Read(ref Back.SentMessages), Volatile.Read(ref Back.SentBytes) })
                        {
                            // Host byte order, as libzmq sends its uint64_t counters.
                            System.Runtime.InteropServices.MemoryMarshal.Write(value.AsSpan(), in n);
                            reply.Add(value);
                        }
                        break;
                }
                if (reply.Count > 0 || control.Type == ZmqSocketType.Rep)
                {
                    if (reply.Count == 0)
                    {
                        reply.Add([]);
                    }
                    await control.SendMultipartAsync(reply, 0, ct).ConfigureAwait(false);
                }
                if (name == "TERMINATE")
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
    }
}
