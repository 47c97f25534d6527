using System.Runtime.CompilerServices;
using Zmq.Messages;

namespace Zmq.Engine;

/// <summary>
/// The two queues between a socket and one peer, bounded by the high-water marks. A connecting
/// endpoint's pipe lives from Connect to Disconnect across reconnects, so messages queued before or
/// between connections are kept; an accepted peer's pipe lives as long as its connection.
/// </summary>
internal sealed class Pipe(int sendHwm, int receiveHwm, string endpoint, bool connectSide)
{
    /// <summary>Socket to peer; producers are the socket's senders (serialised by the socket).</summary>
    public MsgQueue Outbound { get; private init; } = new();

    /// <summary>Peer to socket; the producer is the connection's read loop (or, inproc, the peer
    /// socket's senders).</summary>
    public MsgQueue Inbound { get; private init; } = new();

    /// <summary>Inproc: the other socket's end of this pipe, and that socket. Messages then pass
    /// between the two sockets' queues as objects, with no connection, encoding or copy.</summary>
    public Pipe? InprocPeer => Volatile.Read(ref _inprocPeer);

    public IPeerHost? InprocPeerHost { get; private set; }

    /// <summary>On a connecting inproc end: the bound end, until the bind links the two.</summary>
    public Pipe? InprocPending { get; private init; }

    public bool IsInproc => InprocPending != null || InprocPeerHost != null;

    private Pipe? _inprocPeer;

    /// <summary>Creates the two ends of an inproc pipe: each end's outbound queue is the other's inbound.</summary>
    public static (Pipe Connecting, Pipe Bound) CreateInprocPair(string endpoint, int sendHwm, int receiveHwm, byte[]? connectRoutingId = null)
    {
        var toBound = new MsgQueue();
        var toConnecting = new MsgQueue();
        var bound = new Pipe(0, 0, endpoint, connectSide: false) { Outbound = toConnecting, Inbound = toBound };
        var connecting = new Pipe(sendHwm, receiveHwm, endpoint, connectSide: true) { Outbound = toBound, Inbound = toConnecting, InprocPending = bound, ConnectRoutingId = connectRoutingId };
        return (connecting, bound);
    }

    /// <summary>Links the two ends once both sockets are known. As in libzmq, each direction holds
    /// the sender's send HWM plus the receiver's receive HWM (unlimited if either is 0).</summary>
    public static void LinkInproc(Pipe connecting, IPeerHost connectingHost, Pipe bound, IPeerHost boundHost, int boundSendHwm, int boundReceiveHwm)
    {
        connecting.SendHwm = Sum(connecting.SendHwm, boundReceiveHwm);
        bound.SendHwm = Sum(boundSendHwm, connecting.ReceiveHwm);
        connecting.InprocPeerHost = boundHost;
        bound.InprocPeerHost = connectingHost;
        Volatile.Write(ref connecting._inprocPeer, bound);
        Volatile.Write(ref bound._inprocPeer, connecting);
        Interlocked.MemoryBarrier();

        static int Sum(int a, int b) => a == 0 || b == 0 ? 0 : a + b;
    }

    /// <summary>Wakes the write loop when messages arrive or the pipe is closing.</summary>
    public readonly AsyncSignal WriterWake = new();

    /// <summary>Wakes the read loop when the application frees room below the low-water mark.</summary>
    public readonly AsyncSignal ReaderWake = new();

    private int _readerBlocked;
    private int _writerSleeping;

    public int SendHwm { get; private set; } = sendHwm;
    public int ReceiveHwm { get; } = receiveHwm;
    public string Endpoint { get; } = endpoint;
    public bool IsConnectSide { get; } = connectSide;

    /// <summary>Immediate mode: the socket routes to this pipe only while it is connected.</summary>
    public bool RoutedOnlyWhenConnected { get; init; }

    /// <summary>A udp pipe: no handshake, so no statement of interest; a RADIO sends it every group.</summary>
    public bool Datagram { get; init; }

    /// <summary>The peer's routing id where the socket type routes by id (SERVER, PEER: set by its
    /// pattern's Attach, under the send lock), stamped on every message received from it; 0 elsewhere.</summary>
    public uint RoutingId { get; set; }

    /// <summary>Where the socket type starts each received message with the peer's identity (ROUTER,
    /// STREAM): that identity, set by its pattern (<see cref="SetIdentity"/>) before any message of
    /// the pipe can be received; null elsewhere. The receive path reads
    /// <see cref="IdentityOfNextMessage"/>.</summary>
    public byte[]? Identity => _identity;

    private volatile byte[]? _identity;

    /// <summary>The identity before the last change, and how many inbound messages were published
    /// under it: a reconnected peer may come back under another identity while messages of its last
    /// connection (and the notice of its loss) still wait to be received.</summary>
    private byte[]? _earlierIdentity;
    private long _earlierUntil;

    /// <summary>Under the send lock, on a thread that is the inbound queue's producer (Attach,
    /// Connected, InprocLinked: no read loop of a new connection has started): messages queued so far
    /// keep the identity they arrived under. Written in the order <see cref="IdentityOfNextMessage"/>
    /// reads backwards, so a reader never pairs a new count with an old earlier identity.</summary>
    public void SetIdentity(byte[] identity)
    {
        // The first identity is every message's so far: over inproc a peer's first messages (a
        // ProbeRouter probe) may be queued before the pair is linked and the identity chosen.
        if (_identity is { } earlier)
        {
            _earlierIdentity = earlier;
            Volatile.Write(ref _earlierUntil, Inbound.PublishedMessages);
        }
        _identity = identity;
    }

    /// <summary>Receive lock (the inbound queue's consumer), at the start of a message: the identity
    /// of the peer that sent it, as it was when it arrived.</summary>
    public byte[]? IdentityOfNextMessage()
    {
        var current = _identity;
        return Inbound.MessagesRead < Volatile.Read(ref _earlierUntil) ? _earlierIdentity : current;
    }

    /// <summary>The identity a ROUTER or STREAM gives this pipe's peer, set at Connect
    /// (ZmqSocket.ConnectRoutingId); null for the usual choice.</summary>
    public byte[]? ConnectRoutingId { get; init; }

    /// <summary>The live connection, or null while (re)connecting.</summary>
    public volatile IEngine? Connection;

    /// <summary>The properties of the connection the inbound messages come from (its
    /// <see cref="IEngine.Properties"/>), set as it attaches, before its first message.</summary>
    public MessageProperties? Properties;

    /// <summary>Set once no connection will ever serve this pipe again; the socket forgets it when its
    /// inbound queue has been read out.</summary>
    public volatile bool Terminated;

    /// <summary>1 while listed (or about to be listed) in the socket's fair queue.</summary>
    public int InboundActive;

    /// <summary>1 once a receiver blocked on this pipe, its socket's only one, waits for bytes in the
    /// kernel itself whenever the connection lends it reading (ZmqSocket.Waiting.cs); cleared when a
    /// receiver waits without reading (async, a poller) or the pipe stops being the only one. Read by
    /// the read loop (whether to lend) and by a receiver's read (whether to keep reading lent).</summary>
    public int ReceiverPolls;

    /// <summary>Touched only under the socket's receive lock.</summary>
    public bool InFairQueue;

    /// <summary>Producer side: whether one more message fits under the send HWM.</summary>
    public bool HasSendCapacity => SendHwm <= 0 || Outbound.HasRoomBelow(SendHwm) || PeerMadeRoom();

    /// <summary>Full: an inproc peer that conflates drops its stale messages instead of making the
    /// sender wait (or a PUB drop the newest).</summary>
    private bool PeerMadeRoom() => InprocPeer is { } peer && InprocPeerHost!.MakeRoom(peer);

    /// <summary>Producer side (the read loop).</summary>
    public bool IsInboundFull => ReceiveHwm > 0 && !Inbound.HasRoomBelow(ReceiveHwm);

    /// <summary>Debug builds: the owning socket's send lock, which every producer of
    /// <see cref="Outbound"/> holds (set by the socket core when the pipe joins it).</summary>
    public LockOwnership OutboundProducers;

    /// <summary>Queues an outgoing message and wakes the write loop if it sleeps. A frame with more
    /// to follow stays unseen until the last one is written.</summary>
    public void Write(in Msg msg)
    {
        OutboundProducers.Check("a pipe's outbound queue is written only under its socket's send lock");
        Outbound.Enqueue(msg);
        if (!msg.More)
        {
            Written();
        }
    }

    /// <summary><see cref="Write"/> for a payload that fits inline, copied straight into its slot.</summary>
    public void WriteInline(ReadOnlySpan<byte> data, bool more = false)
    {
        OutboundProducers.Check("a pipe's outbound queue is written only under its socket's send lock");
        Outbound.NextSlot().SetInline(data, more);
        Outbound.Commit(more);
        if (!more)
        {
            Written();
        }
    }

    private void Written()
    {
        var peer = InprocPeer;
        if (peer == null && InprocPending != null)
        {
            // An inproc end not yet linked: the link stores the peer, fences, then looks at this
            // queue; this fence pairs with it, so either this sees the peer or the link sees the
            // message.
            Interlocked.MemoryBarrier();
            peer = InprocPeer;
        }
        if (peer != null)
        {
            // The peer socket fences before it reads its flags, unless the receiver fences for it
            // (Pipe.FenceAfterInactive).
            InprocPeerHost!.InboundReady(peer);
            return;
        }
        // The write loop sets its flag, fences, then re-checks the queue; the sender enqueues,
        // fences, then reads the flag (Dekker). While traffic streams, the write loop fences with a
        // process-wide barrier instead, which makes a sender's enqueue visible to its re-check unless
        // the sender's read comes after the barrier and so sees the flag: senders then skip their
        // fence (asymmetric Dekker). Request-reply traffic keeps the plain fences, which cost a
        // sleeping write loop less than a barrier that interrupts every core.
        bool asymmetric = _writerFence.IsAsymmetric;
        if (!asymmetric)
        {
            Interlocked.MemoryBarrier();
        }
        if (Volatile.Read(ref _writerSleeping) != 0)
        {
            if (!((SenderWritesWhenIdle || (SenderWritesAnswers && AnswersSinceSenderWrote())) && Connection is { } connection && connection.FlushForSender(this)))
            {
                WakeWriter();
            }
        }
        else if (asymmetric && !_writerFence.IsAsymmetric)
        {
            // The write loop went back to plain fences after this sender chose to skip its own. The
            // switch was followed by a process-wide barrier: either this read comes after it (and
            // the sender fences now, as a plain-fence sender), or the enqueue came before it and
            // the write loop's re-check saw it.
            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _writerSleeping) != 0)
            {
                WakeWriter();
            }
        }
    }

    /// <summary>Set by the socket core for types that take turns (REQ, REP): their sender waits for
    /// the answer next, so while the write loop sleeps the sender writes its message to the socket
    /// itself (<see cref="IEngine.FlushForSender"/>) instead of waking the loop to do it. That takes
    /// a thread hop off each way of a round trip; a streaming type keeps waking the loop, which
    /// writes many messages in one call.</summary>
    public bool SenderWritesWhenIdle;

    /// <summary>Set by the socket core for the other types that both send and receive: the sender
    /// writes its message itself, as for <see cref="SenderWritesWhenIdle"/>, when it looks like an
    /// answer: a message was taken from this pipe since the sender last wrote, and none waits. A
    /// stream one way (nothing taken) or a backlog of requests (some waiting) keeps the loop's
    /// batching; each message taken buys at most one such write.</summary>
    public bool SenderWritesAnswers;

    /// <summary>Under the send lock: <see cref="Inbound"/>'s read position at the sender's last write.</summary>
    private long _dequeuedAtSenderWrite;

    private bool AnswersSinceSenderWrote()
    {
        long dequeued = Inbound.Dequeued;
        if (dequeued == _dequeuedAtSenderWrite || Inbound.Count != 0)
        {
            return false;
        }
        _dequeuedAtSenderWrite = dequeued;
        return true;
    }

    public void WakeWriter()
    {
        if (Interlocked.Exchange(ref _writerSleeping, 0) != 0)
        {
            WriterWake.Set();
        }
    }

    /// <summary>Write loop: declares it is going to sleep. The caller must then re-check every source
    /// of work (this queue and its own) and call <see cref="CancelWriterSleep"/> if it finds any.
    /// <paramref name="streaming"/>: many messages were written since the last sleep.</summary>
    public void BeginWriterSleep(bool streaming)
    {
        Volatile.Write(ref _writerSleeping, 1);
        _writerFence.Fence(streaming);
    }

    /// <summary>The write loop's side of the senders' fences (Written).</summary>
    private AdaptiveFence _writerFence;

    /// <summary>Write loop: declares sleep again without counting a sleep (it waits for a sender
    /// that is writing), with the fence the current mode asks for.</summary>
    public void BeginWriterSleepAgain()
    {
        Volatile.Write(ref _writerSleeping, 1);
        _writerFence.FenceInCurrentMode();
    }

    public void CancelWriterSleep() => Volatile.Write(ref _writerSleeping, 0);

    /// <summary>Read loop: declares it waits for room. Returns false when room appeared meanwhile.</summary>
    public bool PrepareReaderWait()
    {
        Volatile.Write(ref _readerBlocked, 1);
        Interlocked.MemoryBarrier();
        if (!IsInboundFull)
        {
            Volatile.Write(ref _readerBlocked, 0);
            return false;
        }
        return true;
    }

    /// <summary>
    /// Consumer side, after a dequeue. The producer (a read loop, or an inproc peer's senders) waits
    /// only when the queue is full; as in libzmq it is resumed once the queue is down to half the
    /// HWM. The check is a plain read of a flag the producer sets (and fences) only when it blocks,
    /// so the per-message path has no fence. A flag not yet visible here is seen at the next
    /// dequeue, or by <see cref="OnInboundEmptyFenced"/>, which the consumer reaches before it can
    /// ever wait.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void OnInboundDequeued()
    {
        if (InprocPeer is { } peer)
        {
            // Room in an inproc queue is room for the peer socket's blocked senders: one resume per
            // fall below half (a pulse per message would have them all contend for the semaphore).
            if (peer.SendHwm > 0)
            {
                if (Inbound.ConsumerCount > peer.SendHwm / 2)
                {
                    // Written only when it changes: the line it sits on is read by the peer's
                    // senders on every message.
                    if (_sendersResumed)
                    {
                        _sendersResumed = false;
                    }
                }
                else if (!_sendersResumed)
                {
                    ResumeBlockedSenders(peer);
                }
            }
            return;
        }
        if (ReceiveHwm > 0 && Inbound.ConsumerCount <= ReceiveHwm / 2)
        {
            ResumeBlockedReader();
        }
    }

    private void ResumeBlockedSenders(Pipe peer)
    {
        if (InprocPeerHost!.HasBlockedSenders)
        {
            _sendersResumed = true;
            InprocPeerHost.OutboundProgress(peer);
        }
    }

    /// <summary>
    /// Consumer side, having cleared <see cref="InboundActive"/> on finding the queue empty: the
    /// fence before it looks at the queue again. An inproc producer enqueues, then reads the flag;
    /// while messages stream, the producer skips its fence and the consumer issues a process-wide
    /// barrier here instead (asymmetric Dekker, as the write loop does for tcp senders): a receiver
    /// that keeps up finds the queue empty rarely, a sender fences on every message. Sparse traffic,
    /// where the queue is found empty after nearly every message, keeps the plain fences, and so
    /// does a socket whose producers never skip theirs (<paramref name="producersMaySkip"/> false).
    /// </summary>
    public void FenceAfterInactive(bool producersMaySkip)
    {
        // Counted from the queue's own read position, so that nothing on this object (whose flags
        // the producer reads on every message) is written per message.
        long dequeued = Inbound.Dequeued;
        long run = dequeued - _dequeuedAtEmpty;
        _dequeuedAtEmpty = dequeued;
        if (!producersMaySkip || InprocPeer == null)
        {
            Interlocked.MemoryBarrier();
            return;
        }
        _inboundFence.Fence(run >= AdaptiveFence.StreamingRun);
    }

    /// <summary>How many messages a consumer that caught up with a streaming inproc producer lets
    /// gather before it reads on, and how long it waits for them (spins of Thread.SpinWait(1), a few
    /// tens of nanoseconds each).</summary>
    private const int BatchWanted = 64, BatchSpins = 400, EmptySpins = 100, QuietSpins = 16;

    /// <summary>Messages taken since the queue was last found empty that make a producer "streaming".
    /// Request-reply takes one per idle moment; a stream, even one its consumer keeps catching up
    /// with, several.</summary>
    private const int StreamingSinceEmpty = 4;

    /// <summary>
    /// Consumer only, the inbound queue found empty: if the pipe is inproc and its producer streams,
    /// waits a moment (spinning, a few microseconds at most) for a batch of messages to gather, and
    /// says whether there is one to read now.
    /// <para>Why: a consumer faster than its producer otherwise reads each slot right after it is
    /// written, and the two cores pass the queue's cache lines back and forth on every message;
    /// worse, each time it finds the queue empty the pipe leaves the rotation, the producer must
    /// activate it again, and the consumer often goes to sleep for the producer to wake. Measured
    /// on 2 cores, inproc CLIENT to SERVER at 64 B ran at 3 M msg/s that way and at 9–11 M with the
    /// wait. A producer that stops (the queue stays still) or never started (it stays empty) ends
    /// the wait early; request-reply traffic (one message per idle moment) never waits.</para>
    /// </summary>
    public bool WaitForInboundBatch()
    {
        if (InprocPeer == null || Inbound.Dequeued - _dequeuedAtEmpty < StreamingSinceEmpty)
        {
            return false;
        }
        long last = 0;
        int still = 0;
        for (int i = 0; i < BatchSpins; i++)
        {
            Thread.SpinWait(1);
            long count = Inbound.Count;
            if (count >= BatchWanted)
            {
                break;
            }
            if (count != last)
            {
                last = count;
                still = 0;
            }
            else if (++still >= (count > 0 ? QuietSpins : EmptySpins))
            {
                break;
            }
        }
        return Inbound.HasMessage;
    }

    /// <summary>Inproc producer (the peer socket's sender), its message enqueued: whether it may skip
    /// its fence and the activation, because the consumer will see the message by itself: the pipe
    /// is in the consumer's rotation, and the consumer fences with a process-wide barrier before it
    /// takes the pipe out. The mode is read again after the flag, so that a switch to plain fences
    /// (followed by such a barrier) in between is noticed.</summary>
    public bool InboundSeenWithoutFence =>
        _inboundFence.IsAsymmetric
        && Volatile.Read(ref InboundActive) != 0
        && _inboundFence.IsAsymmetric;

    /// <summary>The inproc consumer's side of its producers' fences.</summary>
    private AdaptiveFence _inboundFence;

    /// <summary>Consumer only: the queue's read position when it was last found empty.</summary>
    private long _dequeuedAtEmpty;

    /// <summary>Consumer side: the inbound queue was found empty, right after a full fence.</summary>
    public void OnInboundEmptyFenced()
    {
        if (InprocPeer is { } peer)
        {
            if (peer.SendHwm > 0)
            {
                InprocPeerHost!.OutboundProgress(peer);
            }
            return;
        }
        ResumeBlockedReader();
    }

    /// <summary>Consumer side, the inbound queue found empty after a full fence: reads for the
    /// connection's read loop if it has handed reading over; true when messages were queued.</summary>
    public bool ReadForConsumer() => Connection is { } connection && connection.TryReadForConsumer(this);

    private void ResumeBlockedReader()
    {
        if (Volatile.Read(ref _readerBlocked) != 0 && Interlocked.Exchange(ref _readerBlocked, 0) != 0)
        {
            ReaderWake.Set();
        }
    }

    private int _draining;

    /// <summary>Consumer side, inproc: blocked senders were resumed since the queue last stood above
    /// half. A sender that blocks in between is resumed when the queue is next found empty at the
    /// latest (<see cref="OnInboundEmptyFenced"/>).</summary>
    private bool _sendersResumed;

    /// <summary>Drops what is queued outbound, returning pooled payloads, and says how many. Does
    /// nothing while a write loop may still be reading the queue (its connection has not finished
    /// writing), nor while another thread is draining it: the queue has one consumer at a time.</summary>
    public int DrainOutbound()
    {
        if (Connection is { WriterFinished: false } || Interlocked.CompareExchange(ref _draining, 1, 0) != 0)
        {
            return 0;
        }
        try
        {
            int n = Outbound.DrainAndRelease();
            Interlocked.Add(ref _unsent, n);
            return n;
        }
        finally
        {
            Volatile.Write(ref _draining, 0);
        }
    }

    /// <summary>Messages dropped unsent (drained with no connection to take them), for the metrics.</summary>
    private long _unsent;

    /// <summary>The bytes of the connections that served this pipe and ended.</summary>
    private long _bytesSentBefore;
    private long _bytesReceivedBefore;
    private long _malformedBefore;

    /// <summary>Under the socket's endpoint lock, which <see cref="AddTotals"/> is read under too, so
    /// that no count is seen twice or missed while the connection goes.</summary>
    public void EndConnection(IEngine connection)
    {
        _bytesSentBefore += connection.BytesSent;
        _bytesReceivedBefore += connection.BytesReceived;
        _malformedBefore += connection.DroppedMalformed;
        Connection = null;
    }

    /// <summary>Under the socket's endpoint lock: adds this pipe's counts to <paramref name="totals"/>.</summary>
    public void AddTotals(ref Diagnostics.EndpointTotals totals, bool live)
    {
        var connection = Connection;
        totals.MessagesSent += Outbound.PublishedMessages;
        totals.MessagesReceived += Inbound.PublishedMessages;
        totals.DroppedAtHwm += Outbound.RefusedMessages;
        totals.DroppedFiltered += Inbound.DiscardedMessages;
        totals.DroppedNoRoute += Volatile.Read(ref _unsent);
        totals.BytesSent += _bytesSentBefore + (connection?.BytesSent ?? 0);
        totals.BytesReceived += _bytesReceivedBefore + (connection?.BytesReceived ?? 0);
        totals.DroppedMalformed += _malformedBefore + (connection?.DroppedMalformed ?? 0);
        if (live && (connection != null || InprocPeer != null))
        {
            totals.PeersConnected++;
        }
    }

    /// <summary>Wakes a blocked read loop regardless of room (used on close).</summary>
    /// <summary>The connection is closing: its write loop and its read loop (waiting for room)
    /// must look at its state now.</summary>
    public void WakeLoops()
    {
        WriterWake.Set();
        ReleaseReader();
    }

    public void ReleaseReader()
    {
        Volatile.Write(ref _readerBlocked, 0);
        ReaderWake.Set();
    }
}
