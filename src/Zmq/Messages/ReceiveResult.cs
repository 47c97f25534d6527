namespace Zmq;

/// <summary>What a receive into a caller's buffer got: the message's length and, on a SERVER, the
/// routing id of the peer that sent it (zero elsewhere).</summary>
public readonly record struct ReceiveResult(int Length, uint RoutingId)
{
    /// <summary>Every field at once: the receive calls build their result in one expression, which the
    /// JIT writes field by field (a choice between two built values went through a stack copy that
    /// stalled on store forwarding, a quarter of an inproc receive).</summary>
    internal ReceiveResult(int length, uint routingId, bool more, uint groupId)
        : this(length, routingId)
    {
        More = more;
        GroupId = groupId;
    }

    /// <summary>On a socket with multipart messages: another frame of the same message follows.</summary>
    public bool More { get; init; }

    /// <summary>On a DISH, the group the message was sent to; null elsewhere.</summary>
    public string? Group => Routing.GroupNames.Name(GroupId);

    /// <summary>Kept as a number, so that the struct holds no reference (see Routing/GroupNames.cs).</summary>
    internal uint GroupId { get; init; }
}
