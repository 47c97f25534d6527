using System.Text;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// Every send form of a socket that sends each message to a group (RADIO), written once. A group is
/// 1 to 255 bytes in UTF-8 and matched exactly by the peers that joined it. A peer whose queue is
/// full misses the message: no form ever waits, so none throws <see cref="TimeoutException"/>, and
/// the async forms complete at once (they exist for code written against the other capabilities).
/// <para>Threads: every form is safe from many threads at once (RADIO is thread-safe).</para>
/// <para>Every form throws <see cref="ArgumentNullException"/> for a null group,
/// <see cref="ArgumentException"/> for an empty or too long one, and
/// <see cref="ObjectDisposedException"/> on a disposed socket.</para>
/// </summary>
public static class GroupSendingSocketExtensions
{
    /// <summary>Sends to every peer that joined <paramref name="group"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static void Send(this IGroupSendingSocket socket, string group, ReadOnlySpan<byte> data) =>
        socket.Core().SendFrame(data, more: false, 0, Encode(group, stackalloc byte[MaxBytes]));

    /// <summary>Sends UTF-8 text to a group.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> or <paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static void Send(this IGroupSendingSocket socket, string group, string text) => socket.Send(group, ZmqSocket.Utf8(text));

    /// <summary>Sends to a group if the send can be made now; never waits (on RADIO, always true).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this IGroupSendingSocket socket, string group, ReadOnlySpan<byte> data) =>
        socket.Core().TrySendFrame(data, more: false, 0, Encode(group, stackalloc byte[MaxBytes]));

    /// <summary>Sends UTF-8 text to a group if the send can be made now; never waits.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> or <paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this IGroupSendingSocket socket, string group, string text) => socket.TrySend(group, ZmqSocket.Utf8(text));

    /// <summary>Sends to a group asynchronously (on RADIO, completed on return).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static ValueTask SendAsync(this IGroupSendingSocket socket, string group, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        socket.Core().SendFrameAsync(data, more: false, 0, Encode(group, stackalloc byte[MaxBytes]), cancellationToken);

    /// <summary>Sends UTF-8 text to a group asynchronously (on RADIO, completed on return).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> or <paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static ValueTask SendAsync(this IGroupSendingSocket socket, string group, string text, CancellationToken cancellationToken = default) =>
        socket.SendAsync(group, ZmqSocket.Utf8(text), cancellationToken);

    /// <summary>Sends a pooled buffer to a group without copying it. <paramref name="message"/> is
    /// emptied: the library owns the buffer and returns it to the pool once written, or when the send
    /// fails (an exception below included).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null; the buffer is still the caller's.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static void Send(this IGroupSendingSocket socket, string group, ref MessageBuffer message) =>
        socket.Core().SendBuffer(ref message, more: false, 0, Encode(group, stackalloc byte[MaxBytes]));

    /// <summary>Queues a pooled buffer (emptying <paramref name="message"/>) if the send can be made
    /// now; never waits. When it returns false the buffer is still the caller's; an exception other
    /// than for a null group empties it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null; the buffer is still the caller's.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static bool TrySend(this IGroupSendingSocket socket, string group, ref MessageBuffer message) =>
        socket.Core().TrySendBuffer(ref message, more: false, 0, Encode(group, stackalloc byte[MaxBytes]));

    /// <summary>Sends a pooled buffer to a group asynchronously (on RADIO, completed on return);
    /// <paramref name="message"/> is emptied at once.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="group"/> is null; the buffer is still the caller's.</exception>
    /// <exception cref="ArgumentException">The group is empty or longer than 255 bytes in UTF-8.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public static ValueTask SendAsync(this IGroupSendingSocket socket, string group, ref MessageBuffer message, CancellationToken cancellationToken = default) =>
        socket.Core().SendBufferAsync(ref message, more: false, 0, Encode(group, stackalloc byte[MaxBytes]), cancellationToken);

    /// <summary>Room for a group's UTF-8 bytes and one more, so that one too long is seen as such.</summary>
    private const int MaxBytes = SocketTypes.MaxGroupLength + 1;

    /// <summary>The group's UTF-8 bytes in <paramref name="into"/>, with no allocation; a group too
    /// long to fit is passed on cut at 256 bytes, which the core refuses with a clear message.</summary>
    private static ReadOnlySpan<byte> Encode(string group, Span<byte> into)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (Encoding.UTF8.TryGetBytes(group, into, out int written))
        {
            return into[..written];
        }
        return into;
    }
}
