namespace Zmq;

/// <summary>
/// Whole multipart messages received in one call, written once: all the frames of one message, from
/// one peer, safe from many threads at once. Receiving into a reused <see cref="MultipartMessage"/>
/// allocates nothing once its buffers are big enough.
/// </summary>
public static class MultipartReceivingSocketExtensions
{
    /// <summary>Receives every frame of the next message into a new <see cref="MultipartMessage"/>
    /// (dispose it, or reuse it with the form that takes one, to give its buffers back).</summary>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>.</exception>
    public static MultipartMessage ReceiveMultipart(this IMultipartReceivingSocket socket)
    {
        var message = new MultipartMessage();
        socket.Core().ReceiveMultipart(message);
        return message;
    }

    /// <summary>Receives every frame of the next message into <paramref name="into"/>, replacing what
    /// it held.</summary>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>.</exception>
    public static void ReceiveMultipart(this IMultipartReceivingSocket socket, MultipartMessage into) => socket.Core().ReceiveMultipart(into);

    /// <summary>Takes the next whole message into <paramref name="into"/> if one is waiting; never waits.</summary>
    public static bool TryReceiveMultipart(this IMultipartReceivingSocket socket, MultipartMessage into) => socket.Core().TryReceiveMultipart(into);

    /// <summary>Receives every frame of the next message into <paramref name="into"/> asynchronously.</summary>
    public static ValueTask ReceiveMultipartAsync(this IMultipartReceivingSocket socket, MultipartMessage into, CancellationToken cancellationToken = default) =>
        socket.Core().ReceiveMultipartAsync(into, cancellationToken);
}
