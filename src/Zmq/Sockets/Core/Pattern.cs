using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// A socket type's rules and nothing else, in the spirit of libzmq's <c>xsend</c>/<c>xrecv</c>/
/// <c>xattach_pipe</c>/<c>xpipe_terminated</c>/<c>xread_activated</c>: where a message goes, where the
/// next one comes from, what happens as pipes come and go. The socket core (ZmqSocket.Send.cs,
/// ZmqSocket.Receive.cs, ZmqSocket.Peers.cs) calls the send-side members and the pipe events under
/// its send lock and the receive-side members under its receive lock; it alone fences, activates
/// pipes, waits and wakes, so a pattern never does.
/// </summary>
internal abstract class Pattern
{
    /// <summary>Fair-queued receive over every pipe with messages; the core activates pipes in it.
    /// A pattern that receives nothing leaves it empty.</summary>
    public readonly FairQueue Incoming;

    public abstract ZmqSocketType Type { get; }

    /// <summary>The socket the rules belong to (its options), set once by its constructor.</summary>
    public ZmqSocket Owner { get; internal set; } = null!;

    /// <summary>Where each message names its peer by routing id (SERVER, PEER): id 0 is refused.</summary>
    public virtual bool SendsByRoutingId => false;

    /// <summary>Where a message goes to many pipes at once (PUB, RADIO): the core copies a payload
    /// with room for the count of its holders (Msg.Share).</summary>
    public virtual bool FansOut => false;

    /// <summary>Where the socket talks to one peer at a time (PAIR, CHANNEL): the core refuses a
    /// second connection while one is attached, and a second Connect.</summary>
    public virtual bool OnePeer => false;

    /// <summary>Whether received bodies may come from the buffer pool once the application receives
    /// into buffers of its own (see ZmqSocket.NoteReceiveIntoBuffers).</summary>
    public virtual bool PoolsReceivedBodies => true;

    /// <summary>Whether the peers are raw byte streams, served without ZMTP (STREAM).</summary>
    public virtual bool RawPeers => false;

    protected Pattern(bool inprocProducersMaySkipFences = false)
    {
        Incoming = new FairQueue(inprocProducersMaySkipFences);
    }

    // ---- pipes: under the send lock ----

    /// <summary>A pipe joined the socket (libzmq <c>xattach_pipe</c>).</summary>
    public virtual void Attach(Pipe pipe)
    {
    }

    /// <summary>A pipe carries no more traffic; unread inbound messages may still be received
    /// (libzmq <c>xpipe_terminated</c>).</summary>
    public virtual void Detach(Pipe pipe)
    {
    }

    /// <summary>A connection finished its handshake on the pipe (a connecting pipe again after each
    /// reconnect): the peer knows nothing of this socket yet.</summary>
    public virtual void Connected(Pipe pipe)
    {
    }

    /// <summary>An inproc pipe this socket connected was linked to the bound socket: its peer is known
    /// now. Runs before either side can send on it.</summary>
    public virtual void InprocLinked(Pipe pipe)
    {
    }

    /// <summary>The pipe's connection ended, both its loops done.</summary>
    public virtual void Disconnected(Pipe pipe)
    {
    }

    // ---- send: under the send lock ----

    /// <summary>Queues one frame if its destination has room (libzmq <c>xsend</c>). When it returns
    /// false, <paramref name="blocked"/> is the full pipe it waits for (a sender may flush that
    /// pipe's connection), or null.</summary>
    public virtual bool TrySend(ref Outgoing frame, out Pipe? blocked) => throw new InvalidOperationException("this socket type sends nothing");

    /// <summary>Whether the frames sent so far end inside a multipart message (a frame-by-frame send
    /// in progress), which a whole message must not join.</summary>
    public virtual bool SendingMessage => false;

    /// <summary>Whether a send could queue a message now (libzmq <c>xhas_out</c>).</summary>
    public virtual bool HasOut => false;

    // ---- receive: under the receive lock ----

    /// <summary>Whether the message whose first frame is <paramref name="first"/> goes to the
    /// application; one that does not is dropped whole (SUB's topic filter).</summary>
    public virtual bool Accepts(ReadOnlySpan<byte> first) => true;

    /// <summary>Whether <see cref="Accepts"/> filters at all.</summary>
    public virtual bool Filters => false;

    /// <summary>Where sends and receives must alternate (REQ, REP): the core then asks
    /// <see cref="CheckSendTurn"/> and <see cref="CheckReceiveTurn"/> at each call.</summary>
    public virtual bool TakesTurns => false;

    /// <summary>Throws <see cref="InvalidOperationException"/>, saying which call was expected, when a
    /// send may not start now.</summary>
    public virtual void CheckSendTurn()
    {
    }

    /// <summary>Throws <see cref="InvalidOperationException"/>, saying which call was expected, when a
    /// receive may not start now.</summary>
    public virtual void CheckReceiveTurn()
    {
    }

    /// <summary>Where messages carry an envelope the type handles itself (REQ, REP): the core calls
    /// <see cref="TakeEnvelope"/> at the start of each message.</summary>
    public virtual bool TakesEnvelopes => false;

    /// <summary>Under the receive lock, at the start of a message from <paramref name="from"/>: takes
    /// its envelope frames (each through <see cref="FairQueue.Taken"/>), leaving the body for the
    /// application, or drops the whole message (<see cref="FairQueue.DropRest"/>) when it does not
    /// belong to it.</summary>
    public virtual void TakeEnvelope(Pipe from)
    {
    }

    /// <summary>Where each received message starts with a frame the socket adds (ROUTER: the
    /// identity of the peer it came from, <see cref="Pipe.Identity"/>).</summary>
    public virtual bool AddsIdentityFrame => false;

    // ---- from connections ----

    /// <summary>True where inbound messages are the pattern's own business, not the application's
    /// (a publisher's subscriptions): <see cref="TakeInbound"/> then handles them.</summary>
    public virtual bool TakesInbound => false;

    /// <summary>Under the send lock, on the inbound queue's consumer side: reads what the peer sent.</summary>
    public virtual void TakeInbound(Pipe pipe)
    {
    }

    /// <summary>A ZMTP command other than the connection's own (PING, PONG, ERROR, READY) arrived
    /// from the pipe's peer (SUBSCRIBE and CANCEL; JOIN and LEAVE next); unknown ones are ignored.
    /// It runs on the read loop, or on a receiver reading for it with the receive lock held
    /// (ZmtpConnection.DirectRead.cs): a socket type that receives must therefore not take the send
    /// lock here (the lock order is send, then receive), but queue the change for its send side.</summary>
    public virtual void Command(Pipe pipe, string name, ReadOnlySpan<byte> data)
    {
    }

    /// <summary>Where every message carries a group (DISH): a number for the group of the message
    /// being received, under the receive lock, once <see cref="Accepts"/> took it.</summary>
    public virtual uint GroupId(ReadOnlySpan<byte> group) => 0;

    /// <summary>The message the application receives from a pipe whose connection was lost
    /// (libzmq's DISCONNECT_MSG and HICCUP_MSG), or null.</summary>
    public virtual byte[]? MessageOnConnectionLost(Pipe pipe) => null;

    /// <summary>A message to receive from a tcp or ipc peer as it connects (ROUTER's notify, STREAM's
    /// connect notice), queued before any of its own; null for none. Runs on the connection's thread,
    /// before its read loop starts.</summary>
    public virtual byte[]? MessageOnConnect(Pipe pipe) => null;
}
