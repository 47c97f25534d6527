using Zmq.Messages;

namespace Zmq;

/// <summary>
/// A message payload in a buffer from the library's pool: the way to send and receive large
/// messages without copying them (as libzmq's <c>zmq_msg_t</c> does).
/// <para>To send, <see cref="Rent"/> one, write the payload into <see cref="Span"/> and pass it by
/// <c>ref</c> to a socket's send: from then on the library owns the buffer, the variable is emptied,
/// and the buffer goes back to the pool once it is on the wire (or the send fails). To receive, take
/// one from <c>ReceiveBuffer</c>, read it, and <see cref="Dispose"/> it to give it back.</para>
/// <para>A buffer has one owner: do not keep a copy of the struct after sending or disposing it, or
/// the pool may lend the same array to someone else while the copy still reads it. A buffer that is
/// never disposed is not lost: the garbage collector reclaims it, the pool just rents a new one.</para>
/// <para>Not thread-safe: one owner, on one thread at a time. It may be handed to another thread
/// (written on one, sent from another) as long as only one uses it at a time.</para>
/// </summary>
public struct MessageBuffer : IDisposable
{
    private byte[]? _array;
    private int _length;
    private bool _pooled;

    private MessageBuffer(byte[] array, int length, bool pooled, uint routingId)
    {
        _array = array;
        _length = length;
        _pooled = pooled;
        RoutingId = routingId;
    }

    /// <summary>A buffer of exactly <paramref name="length"/> bytes of payload, from the pool. Its
    /// contents are whatever the pool's array held: write every byte the message should carry.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static MessageBuffer Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new MessageBuffer(BufferPool.Rent(length), length, pooled: true, 0);
    }

    /// <summary>The payload length.</summary>
    public readonly int Length => _length;

    /// <summary>False for a default, sent or disposed buffer.</summary>
    public readonly bool IsAllocated => _array != null;

    /// <summary>The payload, writable.</summary>
    public readonly Span<byte> Span => _array is null ? default : new Span<byte>(_array, 0, _length);

    /// <summary>The payload, writable (for asynchronous readers and writers).</summary>
    public readonly Memory<byte> Memory => _array is null ? default : new Memory<byte>(_array, 0, _length);

    /// <summary>On a received buffer from a SERVER, the id of the peer that sent it; zero elsewhere.</summary>
    public uint RoutingId { readonly get; private set; }

    /// <summary>On a received buffer, what is known of the connection it came in on (see
    /// <see cref="Message.Properties"/>); null from an inproc peer and on a rented buffer.</summary>
    public MessageProperties? Properties { readonly get; private init; }

    /// <summary>On a received buffer from a DISH, the group the message was sent to; null elsewhere.</summary>
    public string? Group { readonly get; private set; }

    /// <summary>A received buffer from a DISH: its group, in place of the routing id the pipe stamped.</summary>
    internal void SetGroup(string? group)
    {
        Group = group;
        RoutingId = 0;
    }

    /// <summary>Gives the buffer back to the pool and empties this variable. Harmless to repeat on the
    /// same variable.</summary>
    public void Dispose()
    {
        if (_pooled)
        {
            BufferPool.Return(_array!);
        }
        this = default;
    }

    /// <summary>The payload as a pipe message; this variable still owns it until <see cref="Forget"/>.</summary>
    internal readonly Msg ToMsg(bool more = false) => _array is null ? default : Msg.Wrap(_array, _length, more, _pooled);

    /// <summary>Empties this variable without returning the buffer: the library owns it now.</summary>
    internal void Forget() => this = default;

    /// <summary>Hands a received message to the application: an array-backed payload as it is, an inline
    /// one copied into a pooled array.</summary>
    internal static MessageBuffer FromReceived(in Msg msg, MessageProperties? properties)
    {
        if (msg.Buffer is { } array && !msg.Shared)
        {
            return new MessageBuffer(array, msg.Length, msg.Pooled, msg.RoutingId) { Properties = properties };
        }
        var pooled = BufferPool.Rent(msg.Length);
        msg.Span.CopyTo(pooled);
        var held = msg;
        held.Release();
        return new MessageBuffer(pooled, msg.Length, pooled: true, msg.RoutingId) { Properties = properties };
    }
}
