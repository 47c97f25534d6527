using System.Runtime.CompilerServices;

namespace Zmq;

/// <summary>
/// Every receive form, written once. A blocking receive waits up to
/// <see cref="ZmqSocket.ReceiveTimeout"/> (then <see cref="TimeoutException"/>); <c>Try…</c> never
/// waits unless given a timeout; the async forms wait with no time limit (ReceiveTimeout does not
/// apply) and look at their <see cref="CancellationToken"/> only while they wait.
/// A receive into the caller's buffer allocates nothing, and a message longer than the buffer throws
/// <see cref="BufferTooSmallException"/> and stays queued, whole. On a multipart type each call takes
/// one frame (check <see cref="Message.More"/>), and a message's frames must be taken by one thread;
/// whole messages (<see cref="MultipartReceivingSocketExtensions"/>) are safe from many threads at once.
/// <para>Threads: on a single-frame type (CLIENT, SERVER, DISH) every form is safe from many threads
/// at once. While several calls wait, which one gets the next message is not defined.</para>
/// <para>Every form throws <see cref="ObjectDisposedException"/> on a disposed socket, a waiting one
/// also when the socket is disposed while it waits (except <see cref="ReceiveAllAsync"/>, which
/// ends).</para>
/// </summary>
public static class ReceivingSocketExtensions
{
    /// <summary>Receives the next message (on a multipart type, the next frame).</summary>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static Message Receive(this IReceivingSocket socket) => socket.Core().Receive();

    /// <summary>Receives the next message as UTF-8 text.</summary>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static string ReceiveString(this IReceivingSocket socket) => socket.Core().Receive().ToString();

    /// <summary>Receives the next message as UTF-8 text, asynchronously, with no time limit.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the receive waited.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static async ValueTask<string> ReceiveStringAsync(this IReceivingSocket socket, CancellationToken cancellationToken = default) =>
        (await socket.Core().ReceiveAsync(cancellationToken).ConfigureAwait(false)).ToString();

    /// <summary>Receives the next message into <paramref name="buffer"/>: nothing allocated, the
    /// fastest way to receive.</summary>
    /// <exception cref="BufferTooSmallException">The next message is longer than the buffer; it stays queued.</exception>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ReceiveResult Receive(this IReceivingSocket socket, Span<byte> buffer) => socket.Core().Receive(buffer);

    /// <summary>Takes a message if one is waiting; never waits.</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TryReceive(this IReceivingSocket socket, out Message message) => socket.Core().TryReceive(out message);

    /// <summary>Waits up to <paramref name="timeout"/> for a message (zero: no wait; negative:
    /// forever; ReceiveTimeout does not apply); false if none came.</summary>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static bool TryReceive(this IReceivingSocket socket, out Message message, TimeSpan timeout) => socket.Core().TryReceive(out message, timeout);

    /// <summary>Takes a message into <paramref name="buffer"/> if one is waiting; never waits.</summary>
    /// <exception cref="BufferTooSmallException">The next message is longer than the buffer; it stays queued.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TryReceive(this IReceivingSocket socket, Span<byte> buffer, out ReceiveResult result) => socket.Core().TryReceive(buffer, out result);

    /// <summary>Receives the next message asynchronously, with no time limit.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the receive waited.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask<Message> ReceiveAsync(this IReceivingSocket socket, CancellationToken cancellationToken = default) => socket.Core().ReceiveAsync(cancellationToken);

    /// <summary>Receives the next message into <paramref name="buffer"/> asynchronously, with no time
    /// limit. Do not touch the buffer until the returned task completes.</summary>
    /// <exception cref="BufferTooSmallException">The next message is longer than the buffer; it stays queued.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the receive waited.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask<ReceiveResult> ReceiveAsync(this IReceivingSocket socket, Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        socket.Core().ReceiveAsync(buffer, cancellationToken);

    /// <summary>Receives the next message as a pooled buffer: no copy, nothing allocated. Dispose it once read.</summary>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="ZmqSocket.ReceiveTimeout"/>.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static MessageBuffer ReceiveBuffer(this IReceivingSocket socket) => socket.Core().ReceiveBuffer();

    /// <summary>Takes the next message as a pooled buffer if one is waiting; never waits.</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TryReceiveBuffer(this IReceivingSocket socket, out MessageBuffer buffer) => socket.Core().TryReceiveBuffer(out buffer);

    /// <summary>Receives the next message as a pooled buffer asynchronously, with no time limit.
    /// Dispose it once read.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while the receive waited.</exception>
    /// <exception cref="ObjectDisposedException">The socket is (or got) disposed.</exception>
    public static ValueTask<MessageBuffer> ReceiveBufferAsync(this IReceivingSocket socket, CancellationToken cancellationToken = default) =>
        socket.Core().ReceiveBufferAsync(cancellationToken);

    /// <summary>Receives messages (on a multipart type, frames) until cancelled or the socket is
    /// disposed; either ends the stream quietly, with no exception. Several streams, or a stream and
    /// other receivers, over one socket share its messages.</summary>
    public static async IAsyncEnumerable<Message> ReceiveAllAsync(this IReceivingSocket socket, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var core = socket.Core();
        while (!cancellationToken.IsCancellationRequested && !core.IsDisposed)
        {
            Message m;
            try
            {
                m = await core.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                yield break;
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            yield return m;
        }
    }
}
