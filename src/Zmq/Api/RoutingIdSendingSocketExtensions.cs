namespace Zmq;

/// <summary>
/// Every send form of a socket that addresses each message to one peer by its routing id (the
/// <see cref="Message.RoutingId"/> of a message received from it), written once. An id whose peer
/// is gone gives <see cref="HostUnreachableException"/>; a full peer queue makes the send wait
/// (up to <see cref="ZmqSocket.SendTimeout"/>), never drop. Safe from many threads at once.
/// </summary>
public static class RoutingIdSendingSocketExtensions
{
    /// <summary>Sends to the peer with <paramref name="routingId"/>.</summary>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="TimeoutException">The peer's queue stayed full.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlySpan<byte> data) => socket.Core().SendFrame(data, more: false, routingId);

    /// <summary>Sends UTF-8 text to a peer.</summary>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, string text) => socket.Send(routingId, ZmqSocket.Utf8(text));

    /// <summary>libzmq's SNDMORE form. These types have no multipart: <paramref name="more"/> must be false.</summary>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlySpan<byte> data, bool more) => socket.Core().SendFrame(data, more, routingId);

    /// <summary>Queues the message if the peer's queue has room; never waits.</summary>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    public static bool TrySend(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlySpan<byte> data) => socket.Core().TrySendFrame(data, more: false, routingId);

    /// <summary>Queues UTF-8 text if the peer's queue has room; never waits.</summary>
    public static bool TrySend(this IRoutingIdSendingSocket socket, uint routingId, string text) => socket.TrySend(routingId, ZmqSocket.Utf8(text));

    /// <summary>Sends to a peer, waiting asynchronously while its queue is full.</summary>
    public static ValueTask SendAsync(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        socket.Core().SendFrameAsync(data, more: false, routingId, default, cancellationToken);

    /// <summary>Sends UTF-8 text to a peer, waiting asynchronously while its queue is full.</summary>
    public static ValueTask SendAsync(this IRoutingIdSendingSocket socket, uint routingId, string text, CancellationToken cancellationToken = default) =>
        socket.SendAsync(routingId, ZmqSocket.Utf8(text), cancellationToken);

    /// <summary>Sends a pooled buffer to a peer without copying it. <paramref name="message"/> is
    /// emptied: the library owns the buffer and returns it to the pool once written, or when the send
    /// fails. (A received <see cref="MessageBuffer"/> can be sent back this way as it is.)</summary>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, ref MessageBuffer message) => socket.Core().SendBuffer(ref message, more: false, routingId);

    /// <summary>Queues a pooled buffer (emptying <paramref name="message"/>) if the peer's queue has
    /// room; never waits. When it returns false the buffer is still the caller's; an exception empties it.</summary>
    public static bool TrySend(this IRoutingIdSendingSocket socket, uint routingId, ref MessageBuffer message) => socket.Core().TrySendBuffer(ref message, more: false, routingId);

    /// <summary>Sends a pooled buffer to a peer, waiting asynchronously while its queue is full.
    /// <paramref name="message"/> is emptied at once: the library owns the buffer.</summary>
    public static ValueTask SendAsync(this IRoutingIdSendingSocket socket, uint routingId, ref MessageBuffer message, CancellationToken cancellationToken = default) =>
        socket.Core().SendBufferAsync(ref message, more: false, routingId, default, cancellationToken);
}
