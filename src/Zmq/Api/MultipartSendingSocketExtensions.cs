namespace Zmq;

/// <summary>
/// The multipart send forms, written once. A whole <see cref="MultipartMessage"/> goes in one call,
/// all frames or none, and is safe from many threads at once. Frame by frame (<c>more</c>), as in
/// libzmq, a message's frames must come from one thread with no other sender in between.
/// </summary>
public static class MultipartSendingSocketExtensions
{
    /// <summary>Sends UTF-8 text as one frame; <paramref name="more"/>: another frame follows.</summary>
    public static void Send(this IMultipartSendingSocket socket, string text, bool more) => socket.Send(ZmqSocket.Utf8(text), more);

    /// <summary>Queues one frame if there is room now; never waits. Where the type drops at the
    /// high-water mark (PUB), the frame is always taken.</summary>
    public static bool TrySend(this IMultipartSendingSocket socket, ReadOnlySpan<byte> data, bool more) => socket.Core().TrySendFrame(data, more, 0);

    /// <summary>Sends one frame, waiting asynchronously for room.</summary>
    public static ValueTask SendAsync(this IMultipartSendingSocket socket, ReadOnlyMemory<byte> data, bool more, CancellationToken cancellationToken = default) =>
        socket.Core().SendFrameAsync(data, more, 0, default, cancellationToken);

    /// <summary>Sends a pooled buffer as one frame without copying it (see <see cref="MessageBuffer"/>).</summary>
    public static void Send(this IMultipartSendingSocket socket, ref MessageBuffer message, bool more) => socket.Core().SendBuffer(ref message, more, 0);

    /// <summary>Sends every frame of <paramref name="message"/> as one message, waiting up to
    /// <see cref="ZmqSocket.SendTimeout"/>. The frames are copied: <paramref name="message"/> can be
    /// reused at once.</summary>
    public static void SendMultipart(this IMultipartSendingSocket socket, MultipartMessage message) => socket.Core().SendMultipart(message, 0);

    /// <summary>Queues every frame of <paramref name="message"/> if there is room now; never waits.</summary>
    public static bool TrySendMultipart(this IMultipartSendingSocket socket, MultipartMessage message) => socket.Core().TrySendMultipart(message, 0);

    /// <summary>Sends every frame of <paramref name="message"/>, waiting asynchronously for room.</summary>
    public static ValueTask SendMultipartAsync(this IMultipartSendingSocket socket, MultipartMessage message, CancellationToken cancellationToken = default) =>
        socket.Core().SendMultipartAsync(message, 0, cancellationToken);
}
