using System.Text;

namespace Zmq;

/// <summary>
/// A received message: its bytes and, on a SERVER, the routing id of the peer that sent it.
/// The payload array belongs to the receiver; the library keeps no reference to it.
/// </summary>
public readonly struct Message : IEquatable<Message>
{
    private readonly byte[]? _data;

    public Message(byte[] data, uint routingId = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        RoutingId = routingId;
    }

    /// <summary>The payload.</summary>
    public ReadOnlyMemory<byte> Data => _data;

    /// <summary>The payload as a span.</summary>
    public ReadOnlySpan<byte> Span => _data;

    /// <summary>The payload's own array (no copy); the library keeps no reference to it.</summary>
    public byte[] Buffer => _data ?? [];

    public int Length => _data?.Length ?? 0;

    /// <summary>On a SERVER, the non-zero id of the peer that sent the message; pass it to
    /// <see cref="ServerSocket.Send(uint, ReadOnlySpan{byte})"/> to reply. Zero elsewhere.</summary>
    public uint RoutingId { get; }

    /// <summary>The payload decoded as UTF-8.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Span);

    public bool Equals(Message other) => RoutingId == other.RoutingId && Span.SequenceEqual(other.Span);

    public override bool Equals(object? obj) => obj is Message m && Equals(m);

    public override int GetHashCode() => HashCode.Combine(RoutingId, Length);

    public static bool operator ==(Message left, Message right) => left.Equals(right);

    public static bool operator !=(Message left, Message right) => !left.Equals(right);
}
