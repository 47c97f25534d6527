namespace Zmq;

/// <summary>
/// Whole multipart messages received in one call, written once: all the frames of one message, from
/// one peer, safe from many threads at once (each with its own <see cref="MultipartMessage"/>).
/// Receiving into a reused <see cref="MultipartMessage"/> allocates nothing once its buffers are big
/// enough. Waiting is as in <see cref="ReceivingSocketExtensions"/>: up to
/// <see cref="ZmqSocket.ReceiveTimeout"/> for the blocking forms, with no time limit for the async one.
/// <para>A whole-message receive refuses to start while a frame-by-frame receive
/// (<see cref="ReceivingSocketExtensions.Receive(IReceivingSocket)"/> and its siblings) has taken
/// some frames of a message but not its last: <see cref="InvalidOperationException"/>. Every form
/// throws <see cref="ObjectDisposedException"/> on a disposed socket, a waiting one also when the
/// socket is disposed while it waits.</para>
/// </summary>
public static class MultipartReceivingSocketExtensions
{
    /// <summary>Receives every frame of the next message into a new <see cref="MultipartMessage"/>
    /// (dispose it, or reuse it with the form that takes one, to give its buffers back).</summary>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>.</exception>
    /// <exception cref="InvalidOperationException">A frame-by-frame receive stopped inside a message: take its remaining frames first.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static MultipartMessage ReceiveMultipart(this IMultipartReceivingSocket socket)
    {
        var message = new MultipartMessage();
        socket.Core().ReceiveMultipart(message);
        return message;
    }

    /// <summary>Receives every frame of the next message into <paramref name="into"/>, replacing what
    /// it held.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="into"/> is null.</exception>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>; <paramref name="into"/> is unchanged.</exception>
    /// <exception cref="InvalidOperationException">A frame-by-frame receive stopped inside a message: take its remaining frames first.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static void ReceiveMultipart(this IMultipartReceivingSocket socket, MultipartMessage into) => socket.Core().ReceiveMultipart(into);

    /// <summary>Takes the next whole message into <paramref name="into"/> if one is waiting; never
    /// waits. False, with <paramref name="into"/> unchanged, when none is.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="into"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A frame-by-frame receive stopped inside a message: take its remaining frames first.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TryReceiveMultipart(this IMultipartReceivingSocket socket, MultipartMessage into) => socket.Core().TryReceiveMultipart(into);

    /// <summary>Receives every frame of the next message into <paramref name="into"/> asynchronously,
    /// with no time limit. Do not touch <paramref name="into"/> until the returned task completes.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="into"/> is null.</exception>
    /// <exception cref="InvalidOperationException">A frame-by-frame receive stopped inside a message: take its remaining frames first.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the receive waited.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask ReceiveMultipartAsync(this IMultipartReceivingSocket socket, MultipartMessage into, CancellationToken cancellationToken = default) =>
        socket.Core().ReceiveMultipartAsync(into, cancellationToken);
}
