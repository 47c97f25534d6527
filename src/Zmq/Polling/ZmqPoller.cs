using System.Collections.Concurrent;

namespace Zmq;

/// <summary>
/// Waits on any mix of sockets, thread-safe and classic, until one can be read from or written to
/// (libzmq's <c>zmq_poller</c>; NetMQ's <c>NetMQPoller</c> without its event loop). Add each socket
/// with the events to watch, then call <see cref="Wait"/> or <see cref="WaitAsync"/>: they fill the
/// caller's buffer with the sockets ready now and return how many. Level-triggered: a socket stays
/// reported while it is ready, so read or write it before the next wait.
/// <para>Built on the sockets' own wake-ups, not on a polling loop or a thread per socket: a wait
/// looks only at the sockets that woke since the last one (and those it last reported), so ten
/// thousand idle sockets cost nothing per wait. Fair: the sockets found ready are reported oldest
/// wake-up first, and one reported goes to the back, so a busy socket cannot starve the others even
/// when the buffer is smaller than the ready set.</para>
/// <para>Thread-safe: sockets may be added, changed and removed from any thread, also while another
/// thread waits (an added socket that is ready ends that wait). Several threads may wait at once;
/// each ready socket is then reported to one of them per wake-up.</para>
/// </summary>
public sealed class ZmqPoller : IDisposable
{
    private readonly ConcurrentDictionary<ZmqSocket, Item> _items = new();

    /// <summary>Sockets that woke (or were reported) since they were last looked at, oldest first.</summary>
    private readonly ConcurrentQueue<Item> _candidates = new();

    /// <summary>Released when a candidate is queued; a hint, re-checked by every waiter.</summary>
    private readonly SemaphoreSlim _woken = new(0);

    private bool _disposed;

    /// <summary>How many sockets are watched.</summary>
    public int Count => _items.Count;

    /// <summary>Watches <paramref name="socket"/> for <paramref name="events"/>.</summary>
    /// <exception cref="ArgumentException">The socket is watched already (use <see cref="Modify"/>), or
    /// <paramref name="events"/> is <see cref="PollEvents.None"/> or asks for a direction the socket's
    /// type does not have (a PUB never reads).</exception>
    /// <exception cref="ObjectDisposedException">The poller is disposed.</exception>
    public void Add(ZmqSocket socket, PollEvents events)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Check(socket, events);
        var item = new Item(this, socket, events);
        if (!_items.TryAdd(socket, item))
        {
            throw new ArgumentException($"this {socket.SocketType} socket is watched already: change its events with Modify", nameof(socket));
        }
        item.Start();
    }

    /// <summary>Changes the events <paramref name="socket"/> is watched for.</summary>
    /// <exception cref="ArgumentException">The socket is not watched, or the events do not fit it.</exception>
    public void Modify(ZmqSocket socket, PollEvents events)
    {
        ArgumentNullException.ThrowIfNull(socket);
        Check(socket, events);
        if (!_items.TryRemove(socket, out var old))
        {
            throw new ArgumentException($"this {socket.SocketType} socket is not watched: Add it first", nameof(socket));
        }
        old.Stop();
        Add(socket, events);
    }

    /// <summary>Stops watching <paramref name="socket"/>; false when it was not watched. A wait in
    /// progress no longer reports it.</summary>
    public bool Remove(ZmqSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (!_items.TryRemove(socket, out var item))
        {
            return false;
        }
        item.Stop();
        return true;
    }

    /// <summary>Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: no
    /// limit; zero: just look) until at least one watched socket is ready, then fills
    /// <paramref name="ready"/> with the ready ones (as many as fit) and returns how many; 0 when the
    /// time ran out.</summary>
    /// <exception cref="ArgumentException"><paramref name="ready"/> is empty.</exception>
    /// <exception cref="ObjectDisposedException">The poller is disposed.</exception>
    public int Wait(Span<PollResult> ready, TimeSpan timeout)
    {
        CheckBuffer(ready.Length);
        var deadline = Sockets.Deadline.After(timeout);
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int n = Collect(ready);
            if (n > 0 || deadline.HasExpired)
            {
                return n;
            }
            _woken.Wait(deadline.Remaining);
        }
    }

    /// <summary><see cref="Wait"/> asynchronously, with no time limit but <paramref name="cancellationToken"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="ready"/> is empty.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled first.</exception>
    /// <exception cref="ObjectDisposedException">The poller is disposed.</exception>
    public async ValueTask<int> WaitAsync(Memory<PollResult> ready, CancellationToken cancellationToken = default)
    {
        CheckBuffer(ready.Length);
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int n = Collect(ready.Span);
            if (n > 0)
            {
                return n;
            }
            await _woken.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops watching every socket (the sockets stay open) and wakes every waiter, which then
    /// throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var socket in _items.Keys)
        {
            Remove(socket);
        }
        _woken.Release(int.MaxValue / 2);
    }

    /// <summary>Looks at the candidates queued when this began, each once: the ready ones are
    /// reported and go back in line (level-triggered); the others leave it until they wake again.</summary>
    private int Collect(Span<PollResult> ready)
    {
        int n = 0;
        for (int left = _candidates.Count; left > 0 && n < ready.Length && _candidates.TryDequeue(out var item); left--)
        {
            // Cleared before the look: a wake-up from now on queues the item again, so none is lost.
            Volatile.Write(ref item.Queued, 0);
            Interlocked.MemoryBarrier();
            if (item.Stopped)
            {
                continue;
            }
            var events = item.ReadyNow();
            if (events != PollEvents.None)
            {
                ready[n++] = new PollResult(item.Socket, events);
                item.Enqueue();
            }
        }
        return n;
    }

    private static void Check(ZmqSocket socket, PollEvents events)
    {
        if (events == PollEvents.None || (events & ~(PollEvents.Readable | PollEvents.Writable)) != 0)
        {
            throw new ArgumentException($"watch for Readable, Writable or both, not {events}", nameof(events));
        }
        var traits = Sockets.Core.SocketTypes.Of(socket.Type);
        if ((events & PollEvents.Readable) != 0 && !traits.Receives)
        {
            throw new ArgumentException($"a {socket.SocketType} socket receives nothing, so it is never readable: watch it for Writable", nameof(events));
        }
        if ((events & PollEvents.Writable) != 0 && !traits.Sends)
        {
            throw new ArgumentException($"a {socket.SocketType} socket sends nothing, so it is never writable: watch it for Readable", nameof(events));
        }
    }

    private static void CheckBuffer(int ready)
    {
        if (ready == 0)
        {
            throw new ArgumentException("give room for at least one result", nameof(ready));
        }
    }

    /// <summary>One watched socket: its wake-up subscriptions and its place in the line.</summary>
    private sealed class Item(ZmqPoller poller, ZmqSocket socket, PollEvents events)
    {
        public readonly ZmqSocket Socket = socket;

        /// <summary>1 while the item is in the candidate line (so a wake-up queues it once).</summary>
        public int Queued;

        public volatile bool Stopped;

        private Action? _onChange;

        public void Start()
        {
            _onChange = Enqueue;
            if ((events & PollEvents.Readable) != 0)
            {
                Socket.Watch(receive: true, _onChange);
            }
            if ((events & PollEvents.Writable) != 0)
            {
                Socket.Watch(receive: false, _onChange);
            }
            // It may be ready already: look at it in the next wait.
            Enqueue();
        }

        public void Stop()
        {
            Stopped = true;
            if ((events & PollEvents.Readable) != 0)
            {
                Socket.StopWatching(receive: true, _onChange!);
            }
            if ((events & PollEvents.Writable) != 0)
            {
                Socket.StopWatching(receive: false, _onChange!);
            }
        }

        public PollEvents ReadyNow() =>
            ((events & PollEvents.Readable) != 0 && Socket.CanReceive ? PollEvents.Readable : PollEvents.None)
            | ((events & PollEvents.Writable) != 0 && Socket.CanSend ? PollEvents.Writable : PollEvents.None);

        /// <summary>Runs on the thread that woke the socket: queue once, wake a waiter.</summary>
        public void Enqueue()
        {
            if (Stopped || Interlocked.Exchange(ref Queued, 1) != 0)
            {
                return;
            }
            poller._candidates.Enqueue(this);
            if (poller._woken.CurrentCount == 0)
            {
                poller._woken.Release();
            }
        }
    }
}
