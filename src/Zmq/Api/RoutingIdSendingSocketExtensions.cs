namespace Zmq;

/// <summary>
/// Every send form of a socket that addresses each message to one peer by its routing id (the
/// <see cref="Message.RoutingId"/> of a message received from it), written once. An id whose peer
/// is gone gives <see cref="HostUnreachableException"/>; a full peer queue makes the send wait
/// (up to <see cref="ZmqSocket.SendTimeout"/>, then <see cref="TimeoutException"/>), never drop.
/// <c>Try…</c> never waits. The async forms wait asynchronously with no time limit and look at their
/// <see cref="CancellationToken"/> only while they wait.
/// <para>Threads: every form is safe from many threads at once (SERVER is thread-safe).</para>
/// <para>Every form throws <see cref="ArgumentOutOfRangeException"/> for routing id 0,
/// <see cref="HostUnreachableException"/> when no connected peer has the id (also when the peer goes
/// while the send waits), and <see cref="ObjectDisposedException"/> on a disposed socket (a blocking
/// or async form also when the socket is disposed while it waits).</para>
/// </summary>
public static class RoutingIdSendingSocketExtensions
{
    /// <summary>Sends to the peer with <paramref name="routingId"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="TimeoutException">The peer's queue stayed full for <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlySpan<byte> data) => socket.Core().SendFrame(data, more: false, routingId);

    /// <summary>Sends UTF-8 text to a peer.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="TimeoutException">The peer's queue stayed full for <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, string text) => socket.Send(routingId, ZmqSocket.Utf8(text));

    /// <summary>libzmq's SNDMORE form. These types have no multipart: <paramref name="more"/> must be false.</summary>
    /// <exception cref="NotSupportedException"><paramref name="more"/> is true (SERVER carries single-frame messages only).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="TimeoutException">The peer's queue stayed full for <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlySpan<byte> data, bool more) => socket.Core().SendFrame(data, more, routingId);

    /// <summary>Queues the message if the peer's queue has room; never waits. False when it is full.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlySpan<byte> data) => socket.Core().TrySendFrame(data, more: false, routingId);

    /// <summary>Queues UTF-8 text if the peer's queue has room; never waits.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this IRoutingIdSendingSocket socket, uint routingId, string text) => socket.TrySend(routingId, ZmqSocket.Utf8(text));

    /// <summary>Sends to a peer, waiting asynchronously while its queue is full, with no time limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id, or it went while the send waited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; nothing was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendAsync(this IRoutingIdSendingSocket socket, uint routingId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        socket.Core().SendFrameAsync(data, more: false, routingId, default, cancellationToken);

    /// <summary>Sends UTF-8 text to a peer, waiting asynchronously while its queue is full, with no time limit.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id, or it went while the send waited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; nothing was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendAsync(this IRoutingIdSendingSocket socket, uint routingId, string text, CancellationToken cancellationToken = default) =>
        socket.SendAsync(routingId, ZmqSocket.Utf8(text), cancellationToken);

    /// <summary>Sends a pooled buffer to a peer without copying it. <paramref name="message"/> is
    /// emptied: the library owns the buffer and returns it to the pool once written, or when the send
    /// fails (an exception below included). (A received <see cref="MessageBuffer"/> can be sent back
    /// this way as it is.)</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="TimeoutException">The peer's queue stayed full for <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this IRoutingIdSendingSocket socket, uint routingId, ref MessageBuffer message) => socket.Core().SendBuffer(ref message, more: false, routingId);

    /// <summary>Queues a pooled buffer (emptying <paramref name="message"/>) if the peer's queue has
    /// room; never waits. When it returns false the buffer is still the caller's; an exception empties it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this IRoutingIdSendingSocket socket, uint routingId, ref MessageBuffer message) => socket.Core().TrySendBuffer(ref message, more: false, routingId);

    /// <summary>Sends a pooled buffer to a peer, waiting asynchronously while its queue is full, with
    /// no time limit. <paramref name="message"/> is emptied at once: the library owns the buffer, and
    /// returns it to the pool if the send fails.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="routingId"/> is 0.</exception>
    /// <exception cref="HostUnreachableException">No connected peer has that id, or it went while the send waited.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; nothing was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendAsync(this IRoutingIdSendingSocket socket, uint routingId, ref MessageBuffer message, CancellationToken cancellationToken = default) =>
        socket.Core().SendBufferAsync(ref message, more: false, routingId, default, cancellationToken);
}
