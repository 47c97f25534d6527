using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// SUB's receiving rules, which XSUB shares: counted topics told to every publisher (again after
/// each reconnect), and received messages filtered by them here too, so that nothing on a cancelled
/// topic is received once the change is made. A change holds both locks (the filter is read under
/// the receive lock, the publishers are told under the send lock).
/// </summary>
internal abstract class SubscribingPattern : InterestPattern
{
    private readonly SubscriptionList _subscriptions;

    protected SubscribingPattern()
        : this(new SubscriptionList())
    {
    }

    private SubscribingPattern(SubscriptionList subscriptions)
        : base(subscriptions)
    {
        _subscriptions = subscriptions;
    }

    public override bool Filters => true;

    public override bool Accepts(ReadOnlySpan<byte> first) => _subscriptions.Matches(first) != Owner.InvertMatching;

    // Measured at 1 KiB, ten SUBs fed by one PUB: with pooled bodies their read loops and
    // receivers contend on one pool bucket, 1.5 µs of CPU per message against 1.1 with
    // exact-size arrays, for the same rate.
    public override bool PoolsReceivedBodies => false;

    /// <summary>Caller holds the send and receive locks.</summary>
    public void Change(ReadOnlySpan<byte> topic, bool subscribe) => _subscriptions.Change(topic, subscribe);
}
