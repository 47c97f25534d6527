namespace Zmq;

/// <summary>
/// Every send form of a socket that sends to the peer its pattern picks (CLIENT: round-robin; PUB:
/// every subscriber), written once. A blocking send waits up to <see cref="ZmqSocket.SendTimeout"/>
/// (then <see cref="TimeoutException"/>) where the type waits for room (CLIENT: every peer queue at
/// the high-water mark, or no peer to queue to), and never waits where it drops (PUB). <c>Try…</c>
/// never waits. The async forms wait asynchronously with no time limit (SendTimeout does not apply)
/// and look at their <see cref="CancellationToken"/> only while they wait.
/// <para>Threads: whole-message calls are safe from many threads at once on every socket type. A
/// message sent frame by frame (<c>more</c>) belongs to one thread until its last frame, with no other
/// send on the socket in between.</para>
/// <para>Every form throws <see cref="ObjectDisposedException"/> on a disposed socket; a blocking or
/// async one also when the socket is disposed while it waits.</para>
/// </summary>
public static class SendingSocketExtensions
{
    /// <summary>Sends a single-frame message.</summary>
    /// <exception cref="TimeoutException">No peer could take the message within <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this ISendingSocket socket, ReadOnlySpan<byte> data) => socket.Core().SendFrame(data, more: false, 0);

    /// <summary>Sends UTF-8 text as a single-frame message.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="TimeoutException">No peer could take the message within <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this ISendingSocket socket, string text) => socket.Send(ZmqSocket.Utf8(text));

    /// <summary>libzmq's SNDMORE form: <paramref name="more"/> says another frame of the same message
    /// follows. The frames of one message must come from one thread, with no other send in between.</summary>
    /// <exception cref="NotSupportedException"><paramref name="more"/> is true on a single-frame type (CLIENT).</exception>
    /// <exception cref="TimeoutException">No peer could take the frame within <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this ISendingSocket socket, ReadOnlySpan<byte> data, bool more) => socket.Core().SendFrame(data, more, 0);

    /// <summary>Queues the message if a peer can take it now; never waits. False when none can (PUB
    /// always takes it: a subscriber whose queue is full misses it).</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this ISendingSocket socket, ReadOnlySpan<byte> data) => socket.Core().TrySendFrame(data, more: false, 0);

    /// <summary>Queues UTF-8 text if a peer can take it now; never waits.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this ISendingSocket socket, string text) => socket.TrySend(ZmqSocket.Utf8(text));

    /// <summary>Sends a message, waiting asynchronously for room, with no time limit.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; nothing was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendAsync(this ISendingSocket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        socket.Core().SendFrameAsync(data, more: false, 0, default, cancellationToken);

    /// <summary>Sends UTF-8 text, waiting asynchronously for room, with no time limit.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; nothing was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendAsync(this ISendingSocket socket, string text, CancellationToken cancellationToken = default) =>
        socket.SendAsync(ZmqSocket.Utf8(text), cancellationToken);

    /// <summary>Sends a pooled buffer without copying it. <paramref name="message"/> is emptied: the
    /// library owns the buffer and returns it to the pool once written, or when the send fails (an
    /// exception below included).</summary>
    /// <exception cref="TimeoutException">No peer could take the message within <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this ISendingSocket socket, ref MessageBuffer message) => socket.Core().SendBuffer(ref message, more: false, 0);

    /// <summary>Queues a pooled buffer (emptying <paramref name="message"/>) if a peer can take it now;
    /// never waits. When it returns false the buffer is still the caller's; an exception empties it.</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this ISendingSocket socket, ref MessageBuffer message) => socket.Core().TrySendBuffer(ref message, more: false, 0);

    /// <summary>Sends a pooled buffer, waiting asynchronously for room, with no time limit.
    /// <paramref name="message"/> is emptied at once: the library owns the buffer, and returns it to
    /// the pool if the send fails.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; nothing was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendAsync(this ISendingSocket socket, ref MessageBuffer message, CancellationToken cancellationToken = default) =>
        socket.Core().SendBufferAsync(ref message, more: false, 0, default, cancellationToken);
}
