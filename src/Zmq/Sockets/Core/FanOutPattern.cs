using Zmq.Engine;
using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// The sending side of a fan-out (PUB, RADIO; XPUB next): each message goes to every peer whose
/// interest (subscriptions, joined groups) it matches, through one <see cref="Distributor"/>; a peer
/// whose queue is full misses it, so a send never waits. The peers state their interest as queued
/// messages or commands (over inproc) and as ZMTP commands (from the read loop), applied in order.
/// A socket type says only what interest is and how it matches.
/// </summary>
internal abstract class FanOutPattern : Pattern
{
    protected readonly Distributor Out = new();

    public override bool FansOut => true;

    public override bool HasOut => true;

    public override bool SendingMessage => Out.InMessage;

    public override bool TakesInbound => true;

    public override void Detach(Pipe pipe)
    {
        ForgetInterest(pipe, peerGone: true);
        Out.Remove(pipe);
    }

    /// <summary>A connecting pipe outlives its connection, and the peer states its interest again
    /// after reconnecting: the old interest goes now, and so does what was queued for it, so the new
    /// connection starts on a message boundary with only what it asks for.</summary>
    public override void Disconnected(Pipe pipe)
    {
        ForgetInterest(pipe, peerGone: false);
        Out.Remove(pipe);
        pipe.DrainOutbound();
    }

    /// <summary>The first of <paramref name="pipes"/> at its high-water mark, or null: where a type
    /// that does not drop (XPUB's XpubNoDrop, RADIO's NoDrop) waits instead.</summary>
    protected static Pipe? FirstFull(HashSet<Pipe> pipes)
    {
        foreach (var pipe in pipes)
        {
            if (!pipe.HasSendCapacity)
            {
                return pipe;
            }
        }
        return null;
    }

    /// <summary>Drops the pipe's interest; <paramref name="peerGone"/>: the pipe itself too.</summary>
    protected abstract void ForgetInterest(Pipe pipe, bool peerGone);

    /// <summary>Whether a ZMTP command states interest (SUBSCRIBE and CANCEL, JOIN and LEAVE).</summary>
    protected abstract bool StatesInterest(string command);

    /// <summary>Under the send lock: applies one statement of interest.</summary>
    protected abstract void ApplyInterest(Pipe pipe, string command, ReadOnlySpan<byte> data);

    /// <summary>A statement of interest from the read loop, in order with what the peer queued before
    /// it: that counts first. (A fan-out receives nothing, so no receiver ever reads for its read
    /// loop: this runs on the read loop, holding no lock.)</summary>
    public override void Command(Pipe pipe, string name, ReadOnlySpan<byte> data)
    {
        if (!StatesInterest(name))
        {
            return;
        }
        using (Owner.SendLockScope())
        {
            TakeInbound(pipe);
            ApplyInterest(pipe, name, data);
        }
    }
}
