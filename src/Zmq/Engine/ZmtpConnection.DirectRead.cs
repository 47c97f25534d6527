using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Zmq.Engine;

// Reading by the receiving thread. When the application is the slower side, the read loop keeps
// filling the pipe to its high-water mark and parking, and every resume is a thread-pool hop: on a
// busy machine that costs more than the messages themselves. So a read loop that finds the pipe full
// hands reading over instead of parking on room: the application thread that next finds the pipe
// empty reads the socket itself (non-blocking, a whole buffer at a time) and decodes straight into
// the pipe it is about to dequeue from. It hands reading back the moment the socket has nothing
// (or anything but plain frames: the end of stream, an error, a large body), and the loop goes on
// as before. A consumer that stops receiving for a while (ConsumerStall) has reading taken back, so
// that pings, the peer's end and its messages up to the high-water mark are still read while the
// application is away. Only for sockets whose receive goes through the fair queue
// (every socket type that receives: SocketTypes). A mechanism that transforms frames (CURVE) has
// them opened by the consumer too: the read owner is the only thread that decodes, so the mechanism's
// nonce state still has one user at a time, and the opening is work the consumer would wait for.
internal sealed partial class ZmtpConnection
{
    private const int LoopReads = 0;
    private const int HandedOver = 1;
    private const int ConsumerReading = 2;

    /// <summary>Who may read the socket and use the decoder and <c>_rx</c>: the read loop, or (once
    /// handed over) whichever consumer takes it. Every change is an interlocked operation or is
    /// followed by one, so the reading state passes between threads with full fences.</summary>
    private int _readOwner;

    /// <summary>What a consumer's read failed with, for the read loop to end the connection by.</summary>
    private Exception? _consumerReadError;

    /// <summary>How long a consumer may go without taking a message before the loop takes reading
    /// back (after one to two ticks of this).</summary>
    private static readonly TimeSpan ConsumerStall = TimeSpan.FromMilliseconds(1);

    /// <summary>Ticks while reading is handed over; created at the first hand-over.</summary>
    private Timer? _stallTimer;

    /// <summary>Counts hand-overs, so that a tick can tell a new hand-over from the one it last saw
    /// (a late tick of an earlier one must not judge it).</summary>
    private int _handOvers;

    /// <summary>Tests: how many times reading was handed over or lent.</summary>
    internal int HandOvers => Volatile.Read(ref _handOvers);

    /// <summary>The stall timer's own view at its last tick: which hand-over, and how far the
    /// consumer had read the queue. Touched only by ticks.</summary>
    private int _handOverSeen;
    private long _dequeuedSeen;

    /// <summary>Reading was last taken back from a consumer that had stopped: the loop then waits for
    /// room the plain way once, so an application that is away costs one hand-over, not one a tick.</summary>
    private bool _consumerStalled;

    /// <summary>Read loop, with the pipe full: hands reading to the consumer and waits until it is
    /// handed back (or the connection is closing).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask HandOverReadingAsync(Pipe pipe)
    {
        // Armed before the hand-over is published: nothing can then fail between the two.
        Interlocked.Increment(ref _handOvers);
        _stallTimer ??= new Timer(static state => ((ZmtpConnection)state!).CheckConsumerProgress(), this, Timeout.Infinite, Timeout.Infinite);
        _stallTimer.Change(ConsumerStall, ConsumerStall);
        Volatile.Write(ref _readOwner, HandedOver);
        Interlocked.MemoryBarrier();
        // The consumer clears the pipe's active flag, fences, then looks for a hand-over (Dekker):
        // one that left the pipe before this hand-over showed is seen here, and the loop reads on.
        if ((Volatile.Read(ref pipe.InboundActive) == 0 || _closing || _stopped)
            && Interlocked.CompareExchange(ref _readOwner, LoopReads, HandedOver) == HandedOver)
        {
            _stallTimer.Change(Timeout.Infinite, Timeout.Infinite);
            return;
        }
        await pipe.ReaderWake.WaitAsync().ConfigureAwait(false);
        _stallTimer.Change(Timeout.Infinite, Timeout.Infinite);
        _consumerStalled = TakeReadingBack();
    }

    /// <summary>Stall timer: wakes the loop to take reading back when the consumer has taken nothing
    /// since the last tick of the same hand-over. A late tick can still wake the loop for nothing,
    /// which it survives: every waiter re-checks.</summary>
    private void CheckConsumerProgress()
    {
        if (_pipe is not { } pipe)
        {
            return;
        }
        int handOver = Volatile.Read(ref _handOvers);
        long dequeued = pipe.Inbound.Dequeued;
        if (handOver == _handOverSeen && dequeued == _dequeuedSeen && Volatile.Read(ref _readOwner) == HandedOver)
        {
            pipe.ReaderWake.Set();
        }
        _handOverSeen = handOver;
        _dequeuedSeen = dequeued;
    }

    /// <summary>Read loop, woken: reading is its own again once no consumer is in the middle of a
    /// read (one socket call and one decode, so the wait is short), and a consumer's failure becomes
    /// the loop's. True when the loop took reading from a consumer that had not handed it back.</summary>
    private bool TakeReadingBack()
    {
        var spin = new SpinWait();
        int owner;
        while ((owner = Interlocked.CompareExchange(ref _readOwner, LoopReads, HandedOver)) == ConsumerReading)
        {
            spin.SpinOnce();
        }
        if (_consumerReadError is { } error)
        {
            _consumerReadError = null;
            // Closing disposes the socket under a consumer's read: that is this side's close, not
            // a failure to report.
            if (!_closing && !_stopped)
            {
                ExceptionDispatchInfo.Capture(error).Throw();
            }
        }
        return owner == HandedOver;
    }

    /// <summary>Read loop, at its end.</summary>
    private void StopStallTimer() => _stallTimer?.Dispose();

    /// <summary>
    /// Consumer side, with the pipe's queue found empty after a full fence, under the socket's
    /// receive lock: if the read loop has handed reading over, decodes what is left of its buffer
    /// and at most one more receive's worth. True when that queued a whole message; otherwise
    /// reading goes back to the loop, so a receive never stays here (holding the receive lock) for
    /// more than one socket call, whatever the peer sends.
    /// </summary>
    public bool TryReadForConsumer(Pipe pipe)
    {
        if (Volatile.Read(ref _readOwner) != HandedOver
            || Interlocked.CompareExchange(ref _readOwner, ConsumerReading, HandedOver) != HandedOver)
        {
            return false;
        }
        var read = ConsumerRead.HandBack;
        long before = pipe.Inbound.PublishedMessages;
        try
        {
            read = ReadForConsumer(pipe);
            // Lent for request-reply traffic, reading goes back to the loop once messages stream in:
            // there the loop reads while the receiver takes, each on its own core.
            if (read == ConsumerRead.Queued && _lent && pipe.Inbound.PublishedMessages - before > SparseRead)
            {
                read = ConsumerRead.QueuedHandBack;
            }
        }
        catch (Exception e)
        {
            // The loop ends the connection with it, as if it had read the bytes itself.
            _consumerReadError = e;
        }
        // A receiver that polls the socket next (ReceiverPolls) keeps reading lent while the socket
        // merely has nothing yet.
        if (read == ConsumerRead.Queued || (read == ConsumerRead.Nothing && Volatile.Read(ref pipe.ReceiverPolls) > 0))
        {
            Interlocked.Exchange(ref _readOwner, HandedOver);
        }
        else
        {
            Interlocked.Exchange(ref _readOwner, LoopReads);
            pipe.ReaderWake.Set();
        }
        return read is ConsumerRead.Queued or ConsumerRead.QueuedHandBack;
    }

    /// <summary>At most this many messages per read (the loop's since it last found the socket empty,
    /// or a lent receiver's in one read) is request-reply traffic, which reading is lent for.</summary>
    private const int SparseRead = 4;

    /// <summary>Reading is lent (LendReadingAsync), not handed over for a full pipe; set by the loop
    /// before it publishes the lending.</summary>
    private bool _lent;

    /// <summary>Read loop: messages it had queued when it last found the socket empty.</summary>
    private long _publishedAtEmpty;

    private enum ConsumerRead
    {
        /// <summary>A whole message is queued.</summary>
        Queued,

        /// <summary>The socket has no (whole) message yet.</summary>
        Nothing,

        /// <summary>What comes next is the loop's to read: the end of stream, a large body, a close.</summary>
        HandBack,

        /// <summary>Messages are queued, and they stream: the loop reads on.</summary>
        QueuedHandBack,
    }

    private ConsumerRead ReadForConsumer(Pipe pipe)
    {
        if (_rxStart < _rxEnd && Decoded(pipe))
        {
            return ConsumerRead.Queued;
        }
        // Large bodies are read the loop's way, straight into their own arrays.
        if (_closing || _stopped || _rx.Length == 0 || _decoder.RemainingBody >= LargeMessage || NextReadIsHeaderOnly)
        {
            return ConsumerRead.HandBack;
        }
        int n = ReceiveNow(_rx);
        if (n <= 0)
        {
            return n < 0 ? ConsumerRead.Nothing : ConsumerRead.HandBack;
        }
        Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
        _rxStart = 0;
        _rxEnd = n;
        return Decoded(pipe) ? ConsumerRead.Queued : ConsumerRead.Nothing;
    }

    /// <summary>Decodes the buffered bytes; true when a whole message is now queued.</summary>
    private bool Decoded(Pipe pipe)
    {
        DecodeBatch(pipe);
        // The consumer is this thread: no one else needs telling.
        _queuedInbound = false;
        return pipe.Inbound.CanDequeue;
    }

    /// <summary>Read loop, the socket found empty while a receiver waits on it (ReceiverPolls): lends
    /// reading to that receiver, which then waits for bytes in the kernel itself
    /// (<see cref="WaitReadableForConsumer"/>) and reads them, instead of this loop being woken
    /// through the thread pool to read and then waking the receiver. Request-reply traffic thus costs
    /// one wake-up each way, as a plain blocking socket does. Comes back like a hand-over: when the
    /// receiver meets what is the loop's to read, or when the stall timer finds it took nothing for a
    /// tick; after such a stall the loop waits for bytes itself until it has read a message, so an idle
    /// receiver costs nothing.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask LendReadingAsync(Pipe pipe)
    {
        Interlocked.Increment(ref _handOvers);
        _stallTimer ??= new Timer(static state => ((ZmtpConnection)state!).CheckConsumerProgress(), this, Timeout.Infinite, Timeout.Infinite);
        _stallTimer.Change(ConsumerStall, ConsumerStall);
        _lent = true;
        Interlocked.Exchange(ref _readOwner, HandedOver);
        // A receiver that looked before the lending showed went to sleep on its gate: woken, it polls.
        _host.ReadingLent(pipe);
        await pipe.ReaderWake.WaitAsync().ConfigureAwait(false);
        _stallTimer.Change(Timeout.Infinite, Timeout.Infinite);
        _lendingStalled = TakeReadingBack();
        _lent = false;
        _publishedAtEmpty = pipe.Inbound.PublishedMessages;
    }

    /// <summary>Read loop, the socket found empty: whether to lend reading to a waiting receiver
    /// rather than wait for bytes itself. Only for request-reply traffic: a stream is read best by
    /// the loop while the receiver takes what it read.</summary>
    private bool LendsReading(Pipe pipe)
    {
        if (_lendingStalled || _closing || Volatile.Read(ref pipe.ReceiverPolls) == 0)
        {
            return false;
        }
        long published = pipe.Inbound.PublishedMessages;
        long since = published - _publishedAtEmpty;
        _publishedAtEmpty = published;
        return since <= SparseRead;
    }

    /// <summary>Reading was last taken back from a receiver that had stopped: not lent again until the
    /// loop has read a message.</summary>
    private bool _lendingStalled;

    /// <summary>
    /// Receiving thread, waiting on this connection's pipe (its socket's only one): while reading is
    /// lent or handed over, waits up to <paramref name="microseconds"/> for bytes on the socket, for
    /// the caller to read them (<see cref="TryReadForConsumer"/>). False when reading is the loop's,
    /// and the caller should wait on its gate instead.
    /// </summary>
    public bool WaitReadableForConsumer(Pipe pipe, int microseconds)
    {
        if (Volatile.Read(ref _readOwner) != HandedOver || _closing || _stopped)
        {
            return false;
        }
        try
        {
            // No ownership is taken for the wait: the loop can take reading back meanwhile (the
            // caller's read then finds it gone), and a close disposes the socket under it.
            _socket.Poll(microseconds, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException)
        {
            return false;
        }
        return true;
    }
}
