using Zmq.Engine;
using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// The rules ROUTER and STREAM share (libzmq's <c>router</c>/<c>stream</c>): each peer is known by an
/// identity; every received message starts with the identity frame of its sender (added by the core,
/// <see cref="AddsIdentityFrame"/>), and every message sent starts with the identity of the peer it
/// goes to, which is not sent on. A peer's identity is the <see cref="ZmqSocket.ConnectRoutingId"/>
/// given for its endpoint, else the one it announced, else 5 bytes made here (0x00, then a counter).
/// </summary>
internal abstract class IdentityRoutingPattern() : Pattern(inprocProducersMaySkipFences: true)
{
    private readonly IdentityTable _peers = new();

    /// <summary>The next frame sent is a message's first: the identity of its peer.</summary>
    private bool _atIdentity = true;

    /// <summary>The peer taking the rest of the message, or null when it is being dropped.</summary>
    private Pipe? _sending;

    /// <summary>Messages dropped because their peer was unknown or full (not mandatory).</summary>
    public long Dropped;

    public override bool AddsIdentityFrame => true;

    /// <summary>Whether an unknown identity throws and a full peer waits, instead of a drop.</summary>
    protected abstract bool Mandatory { get; }

    /// <summary>Whether a newcomer announcing a held identity takes it over.</summary>
    protected virtual bool Handover => false;

    /// <summary>The identity the peer asked for in its handshake, if the type honours one.</summary>
    protected virtual byte[]? Announced(Pipe pipe) => null;

    public override void Attach(Pipe pipe)
    {
        // A connecting end learns its peer's identity with each handshake (Connected, InprocLinked).
        if (pipe.IsInproc ? pipe.InprocPeerHost != null : pipe.Connection != null)
        {
            Identify(pipe);
        }
    }

    public override void Connected(Pipe pipe) => Identify(pipe);

    public override void InprocLinked(Pipe pipe) => Identify(pipe);

    public override void Detach(Pipe pipe)
    {
        _peers.Remove(pipe);
        if (_sending == pipe)
        {
            // Its staged frames go with it; the rest of the message has nowhere to go.
            pipe.Outbound.RollbackStaged();
            _sending = null;
        }
    }

    private void Identify(Pipe pipe)
    {
        _peers.Remove(pipe);
        byte[]? wanted = pipe.ConnectRoutingId ?? Announced(pipe);
        // An identity a connected peer holds already goes to the newcomer only with handover.
        pipe.SetIdentity(_peers.Add(pipe, wanted, Handover) ?? _peers.Add(pipe, [])!);
    }

    public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
    {
        blocked = null;
        if (_atIdentity)
        {
            if (!frame.More)
            {
                // An identity with no message after it: nothing to send, as in libzmq.
                frame.Drop();
                return true;
            }
            bool known = _peers.TryGet(frame.Span, out var pipe);
            if (known && pipe.HasSendCapacity)
            {
                _sending = pipe;
            }
            else if (Mandatory)
            {
                if (known)
                {
                    blocked = pipe;
                    return false;
                }
                frame.Drop();
                throw new HostUnreachableException($"no connected peer has the identity 0x{Convert.ToHexStringLower(frame.Span)}: it disconnected, or never connected");
            }
            else
            {
                _sending = null;
                Interlocked.Increment(ref Dropped);
            }
            _atIdentity = false;
            frame.Drop();
            return true;
        }
        frame.WriteToOrDrop(_sending);
        if (!frame.More)
        {
            _atIdentity = true;
            _sending = null;
        }
        return true;
    }

    public override bool SendingMessage => !_atIdentity;

    // A message with nowhere to go is dropped (or, mandatory, refused): sending never waits for a peer.
    public override bool HasOut => true;
}
