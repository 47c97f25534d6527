using Zmq.Engine;
using Zmq.Messages;
using Zmq.Protocol;
using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// PUB's rules, which XPUB shares: each message to the subscribers whose prefixes match its first
/// frame, subscriptions taken from messages (ZMTP 3.0's form) and SUBSCRIBE/CANCEL commands alike.
/// A type that wants to see each change (XPUB) overrides <see cref="OnInterest"/> and
/// <see cref="OnForget"/>; they run under the send lock.
/// </summary>
internal abstract class PublishingPattern : FanOutPattern
{
    private readonly SubscriberTable _subscribers = new();
    private readonly Action<Pipe, bool, byte[]> _apply;

    protected PublishingPattern()
    {
        _apply = (pipe, subscribe, topic) => Apply(pipe, subscribe, topic);
    }

    public override void Attach(Pipe pipe) => _subscribers.Add(pipe);

    public override bool TrySend(ref Outgoing frame, out Pipe? blocked)
    {
        blocked = null;
        if (!Out.InMessage)
        {
            var matches = Owner.InvertMatching ? _subscribers.MatchInverted(frame.Span) : _subscribers.Match(frame.Span);
            if (OnlyTo() is { } only)
            {
                matches = Only(matches, only);
            }
            if (WaitsForRoom && FirstFull(matches) is { } full)
            {
                blocked = full;
                return false;
            }
            Out.Choose(matches);
        }
        Out.Send(ref frame);
        return true;
    }

    /// <summary>Whether a send waits for every matching subscriber to have room, instead of the full
    /// ones missing the message (XPUB's XpubNoDrop).</summary>
    protected virtual bool WaitsForRoom => false;

    /// <summary>The one subscriber the next message may go to, if it matches (XPUB's manual last
    /// value); null for all that match.</summary>
    protected virtual Pipe? OnlyTo() => null;

    private readonly HashSet<Pipe> _only = [];

    private HashSet<Pipe> Only(HashSet<Pipe> matches, Pipe only)
    {
        _only.Clear();
        if (matches.Contains(only))
        {
            _only.Add(only);
        }
        return _only;
    }

    /// <summary>Whether subscribers' requests only reach the application, which then subscribes
    /// them itself (<see cref="ApplyManually"/>; XPUB's manual mode).</summary>
    protected virtual bool Manual => false;

    /// <summary>Adds or removes a subscription of <paramref name="pipe"/> on the application's word.</summary>
    protected void ApplyManually(Pipe pipe, bool subscribe, ReadOnlySpan<byte> topic) => _subscribers.Apply(pipe, subscribe, topic);

    /// <summary>Subscriptions queued in the ZMTP 3.0 message form (libzmq sends them to every peer).</summary>
    public override void TakeInbound(Pipe pipe)
    {
        _subscribers.ReadFrom(pipe, _apply, _passUp);
        Passed();
    }

    /// <summary>Where a message from a subscriber that is not a subscription goes (XPUB: to the
    /// application); null drops it (PUB, as libzmq's).</summary>
    private Action<Msg>? _passUp;

    protected void PassUpWith(Action<Msg> passUp) => _passUp = passUp;

    /// <summary>After messages were passed up: tell the receivers.</summary>
    protected virtual void Passed()
    {
    }

    protected override bool StatesInterest(string command) => command is Commands.Subscribe or Commands.Cancel;

    protected override void ApplyInterest(Pipe pipe, string command, ReadOnlySpan<byte> data) =>
        Apply(pipe, command == Commands.Subscribe, data);

    private void Apply(Pipe pipe, bool subscribe, ReadOnlySpan<byte> topic) =>
        OnInterest(pipe, subscribe, topic, Manual || _subscribers.Apply(pipe, subscribe, topic));

    /// <summary>A subscription or cancellation arrived; <paramref name="changed"/>: it changed the
    /// pipe's subscriptions (not a repeat, nor a cancel of what it never had).</summary>
    protected virtual void OnInterest(Pipe pipe, bool subscribe, ReadOnlySpan<byte> topic, bool changed)
    {
    }

    /// <summary>The pipe's subscriptions are about to go (its peer left, or will resubscribe).</summary>
    protected virtual void OnForget(Pipe pipe)
    {
    }

    protected override void ForgetInterest(Pipe pipe, bool peerGone)
    {
        OnForget(pipe);
        if (peerGone)
        {
            _subscribers.Remove(pipe);
        }
        else
        {
            _subscribers.Forget(pipe);
        }
    }
}
