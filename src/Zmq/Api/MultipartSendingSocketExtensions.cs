namespace Zmq;

/// <summary>
/// The multipart send forms, written once (the single-frame forms of
/// <see cref="SendingSocketExtensions"/> apply too). A whole <see cref="MultipartMessage"/> goes in
/// one call, all frames or none, and is safe from many threads at once. Frame by frame
/// (<c>more</c>), as in libzmq, a message's frames must come from one thread with no other send on
/// the socket in between, a whole-message one included: its frames would join the unfinished message.
/// <para>Waiting is as in <see cref="SendingSocketExtensions"/>: a blocking form waits up to
/// <see cref="ZmqSocket.SendTimeout"/> where the type waits for room, and never where it drops (PUB,
/// on which no form waits); the async forms wait with no time limit. Every form throws
/// <see cref="ObjectDisposedException"/> on a disposed socket, a waiting one also when the socket is
/// disposed while it waits.</para>
/// </summary>
public static class MultipartSendingSocketExtensions
{
    /// <summary>Sends UTF-8 text as one frame; <paramref name="more"/>: another frame follows.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="TimeoutException">No peer could take the frame within <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this IMultipartSendingSocket socket, string text, bool more) => socket.Send(ZmqSocket.Utf8(text), more);

    /// <summary>Queues one frame if there is room now; never waits. Where the type drops at the
    /// high-water mark (PUB), the frame is always taken.</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this IMultipartSendingSocket socket, ReadOnlySpan<byte> data, bool more) => socket.Core().TrySendFrame(data, more, 0);

    /// <summary>Sends one frame, waiting asynchronously for room, with no time limit.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; the frame was not sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendAsync(this IMultipartSendingSocket socket, ReadOnlyMemory<byte> data, bool more, CancellationToken cancellationToken = default) =>
        socket.Core().SendFrameAsync(data, more, 0, default, cancellationToken);

    /// <summary>Sends a pooled buffer as one frame without copying it (see <see cref="MessageBuffer"/>).
    /// <paramref name="message"/> is emptied: the library owns the buffer, and returns it to the pool
    /// once written, or when the send fails (an exception below included).</summary>
    /// <exception cref="TimeoutException">No peer could take the frame within <see cref="ZmqSocket.SendTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void Send(this IMultipartSendingSocket socket, ref MessageBuffer message, bool more) => socket.Core().SendBuffer(ref message, more, 0);

    /// <summary>Sends every frame of <paramref name="message"/> as one message, waiting up to
    /// <see cref="ZmqSocket.SendTimeout"/>. The frames are copied: <paramref name="message"/> can be
    /// reused at once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> has no frame.</exception>
    /// <exception cref="TimeoutException">No peer could take the message within <see cref="ZmqSocket.SendTimeout"/>; no frame was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void SendMultipart(this IMultipartSendingSocket socket, MultipartMessage message) => socket.Core().SendMultipart(message, 0);

    /// <summary>Queues every frame of <paramref name="message"/> if there is room now; never waits.
    /// False, with no frame sent, when there is none.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> has no frame.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySendMultipart(this IMultipartSendingSocket socket, MultipartMessage message) => socket.Core().TrySendMultipart(message, 0);

    /// <summary>Sends every frame of <paramref name="message"/>, waiting asynchronously for room, with
    /// no time limit. The frames are copied when sent: do not change <paramref name="message"/> until
    /// the returned task completes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="message"/> has no frame.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the send waited; no frame was sent.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask SendMultipartAsync(this IMultipartSendingSocket socket, MultipartMessage message, CancellationToken cancellationToken = default) =>
        socket.Core().SendMultipartAsync(message, 0, cancellationToken);
}
