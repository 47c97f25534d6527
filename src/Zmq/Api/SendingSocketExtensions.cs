namespace Zmq;

/// <summary>
/// Every send form of a socket that sends to the peer its pattern picks, written once. Whole-message
/// calls are safe from many threads at once on every socket type. A blocking send waits up to
/// <see cref="ZmqSocket.SendTimeout"/> (then <see cref="TimeoutException"/>) where the type blocks at
/// the high-water mark, and never waits where it drops (PUB). <c>Try…</c> never waits; the async
/// forms wait asynchronously and honour their <see cref="CancellationToken"/>.
/// </summary>
public static class SendingSocketExtensions
{
    /// <summary>Sends a single-frame message.</summary>
    /// <exception cref="TimeoutException">No peer took the message within <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this ISendingSocket socket, ReadOnlySpan<byte> data) => socket.Core().SendFrame(data, more: false, 0);

    /// <summary>Sends UTF-8 text.</summary>
    public static void Send(this ISendingSocket socket, string text) => socket.Send(ZmqSocket.Utf8(text));

    /// <summary>libzmq's SNDMORE form: <paramref name="more"/> says another frame of the same message
    /// follows. Single-frame types (CLIENT) refuse <c>more</c> with <see cref="NotSupportedException"/>.</summary>
    public static void Send(this ISendingSocket socket, ReadOnlySpan<byte> data, bool more) => socket.Core().SendFrame(data, more, 0);

    /// <summary>Queues the message if a peer can take it now; never waits.</summary>
    public static bool TrySend(this ISendingSocket socket, ReadOnlySpan<byte> data) => socket.Core().TrySendFrame(data, more: false, 0);

    /// <summary>Queues UTF-8 text if a peer can take it now; never waits.</summary>
    public static bool TrySend(this ISendingSocket socket, string text) => socket.TrySend(ZmqSocket.Utf8(text));

    /// <summary>Sends a message, waiting asynchronously for room.</summary>
    public static ValueTask SendAsync(this ISendingSocket socket, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        socket.Core().SendFrameAsync(data, more: false, 0, default, cancellationToken);

    /// <summary>Sends UTF-8 text, waiting asynchronously for room.</summary>
    public static ValueTask SendAsync(this ISendingSocket socket, string text, CancellationToken cancellationToken = default) =>
        socket.SendAsync(ZmqSocket.Utf8(text), cancellationToken);

    /// <summary>Sends a pooled buffer without copying it. <paramref name="message"/> is emptied: the
    /// library owns the buffer and returns it to the pool once written, or when the send fails.</summary>
    public static void Send(this ISendingSocket socket, ref MessageBuffer message) => socket.Core().SendBuffer(ref message, more: false, 0);

    /// <summary>Queues a pooled buffer (emptying <paramref name="message"/>) if a peer can take it now;
    /// never waits. When it returns false the buffer is still the caller's; an exception empties it.</summary>
    public static bool TrySend(this ISendingSocket socket, ref MessageBuffer message) => socket.Core().TrySendBuffer(ref message, more: false, 0);

    /// <summary>Sends a pooled buffer, waiting asynchronously for room. <paramref name="message"/> is
    /// emptied at once: the library owns the buffer.</summary>
    public static ValueTask SendAsync(this ISendingSocket socket, ref MessageBuffer message, CancellationToken cancellationToken = default) =>
        socket.Core().SendBufferAsync(ref message, more: false, 0, default, cancellationToken);
}
