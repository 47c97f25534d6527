using System.Text;

namespace Zmq;

/// <summary>
/// A received message: its bytes and, on a SERVER, the routing id of the peer that sent it.
/// The payload array belongs to the receiver; the library keeps no reference to it.
/// <para>Immutable, so any number of threads may read one at once. Copies of the struct share the
/// payload array: do not change it (through <see cref="Buffer"/>) while others read.</para>
/// </summary>
public readonly struct Message : IEquatable<Message>
{
    private readonly byte[]? _data;
    private readonly int _length;

    /// <summary>A message holding <paramref name="data"/> itself (no copy), tagged with <paramref name="routingId"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    public Message(byte[] data, uint routingId = 0)
        : this(data, data?.Length ?? 0, routingId)
    {
    }

    /// <summary>A message made of the first <paramref name="length"/> bytes of <paramref name="data"/> (no copy).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or longer than <paramref name="data"/>.</exception>
    public Message(byte[] data, int length, uint routingId = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, data.Length);
        _data = data;
        _length = length;
        RoutingId = routingId;
    }

    /// <summary>The payload (no copy).</summary>
    public ReadOnlyMemory<byte> Data => new(_data, 0, _length);

    /// <summary>The payload as a span (no copy).</summary>
    public ReadOnlySpan<byte> Span => new(_data, 0, _length);

    /// <summary>The payload as an array of exactly its length: the received array itself when it has
    /// that length, else a copy. (Payloads up to 64 bytes, and payloads pooled because the socket
    /// also receives into buffers, are always copied; use <see cref="Span"/> or <see cref="Data"/>
    /// to read without one.) The library keeps no reference to it.</summary>
    public byte[] Buffer => _data == null ? [] : _data.Length == _length ? _data : Span.ToArray();

    /// <summary>The payload's length in bytes.</summary>
    public int Length => _length;

    /// <summary>On a SERVER, the non-zero id of the peer that sent the message; pass it to
    /// <see cref="RoutingIdSendingSocketExtensions.Send(IRoutingIdSendingSocket, uint, ReadOnlySpan{byte})"/> to reply. Zero elsewhere.</summary>
    public uint RoutingId { get; private init; }

    /// <summary>On a DISH, the group the message was sent to (one the DISH joined); null elsewhere.</summary>
    public string? Group { get; private init; }

    /// <summary>On a socket with multipart messages: another frame of the same message follows
    /// (libzmq ZMQ_RCVMORE). Always false on CLIENT and SERVER.</summary>
    public bool More { get; private init; }

    /// <summary>On a received message, what is known of the connection it came in on: the peer's
    /// handshake properties, its address, and the user id and metadata the server's authenticator
    /// gave it (libzmq <c>zmq_msg_gets</c>). Null for a message from an inproc peer or made here.</summary>
    public MessageProperties? Properties { get; private init; }

    /// <summary>Hands a received message to the application: an array-backed payload as it is (an
    /// inproc sender's pooled array included: the pool just rents a new one), an inline one copied out.</summary>
    internal static Message FromReceived(in Zmq.Messages.Msg msg, MessageProperties? properties)
    {
        if (msg.Shared)
        {
            // Other subscribers hold the same array: this one gets a copy of its own.
            var copy = new Message(msg.Span.ToArray(), msg.RoutingId) { More = msg.More, Properties = properties };
            var held = msg;
            held.Release();
            return copy;
        }
        return (msg.Buffer is { } buffer ? new Message(buffer, msg.Length, msg.RoutingId) : new Message(msg.Span.ToArray(), msg.RoutingId)) with { More = msg.More, Properties = properties };
    }

    /// <summary>A frame of a received multipart message: whether more follow, and its connection's properties, in one copy.</summary>
    internal Message AsFrame(bool more, MessageProperties? properties) => this with { More = more, Properties = properties };

    internal Message InGroup(string? group) => this with { RoutingId = 0, Group = group };

    /// <summary>The payload decoded as UTF-8.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Span);

    /// <summary>Same routing id, group and payload bytes (More is not compared).</summary>
    public bool Equals(Message other) => RoutingId == other.RoutingId && Group == other.Group && Span.SequenceEqual(other.Span);

    /// <inheritdoc cref="Equals(Message)"/>
    public override bool Equals(object? obj) => obj is Message m && Equals(m);

    /// <summary>A hash of the routing id and length, consistent with <see cref="Equals(Message)"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(RoutingId, Length);

    /// <summary>Whether two messages are <see cref="Equals(Message)">equal</see>.</summary>
    public static bool operator ==(Message left, Message right) => left.Equals(right);

    /// <summary>Whether two messages differ in routing id or payload.</summary>
    public static bool operator !=(Message left, Message right) => !left.Equals(right);
}
