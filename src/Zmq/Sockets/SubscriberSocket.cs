using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// SUB (RFC 29): receives what its PUB peers publish on the topics it subscribed to (a prefix of
/// the first frame; <see cref="Subscribe(string)"/> with "" takes everything). Subscriptions are
/// counted, sent to every publisher, and sent again after each reconnect; messages are also
/// filtered here, so nothing on a cancelled topic is received once <see cref="Unsubscribe(string)"/>
/// returns. Fair-queues across publishers, whole multipart messages at a time. Sends nothing.
/// <para>Threads: not thread-safe for everything (<see cref="ZmqSocket.IsThreadSafe"/> is false), but
/// whole-message receives (<c>ReceiveMultipart</c>; <c>Receive</c> where every message has one
/// frame), (un)subscribing, Bind, Connect and Dispose are safe from many threads at once. A message
/// received frame by frame belongs to one thread until its last frame. Options are not
/// synchronised: set them before Bind and Connect.</para>
/// </summary>
public sealed class SubscriberSocket : ZmqSocket, IMultipartReceivingSocket
{
    private readonly Rules _rules;

    /// <summary>Creates a SUB in <see cref="ZmqContext.Default"/>.</summary>
    public SubscriberSocket()
        : this(null)
    {
    }

    /// <summary>Creates a SUB whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public SubscriberSocket(ZmqContext? context)
        : base(context, new Rules())
    {
        _rules = (Rules)Pattern;
    }

    /// <summary>Receives messages whose first frame starts with <paramref name="topic"/> (all, when
    /// empty). Subscribing twice needs two unsubscribes. Publishers hear of it in the background
    /// (those connected now at once, others as they connect), so their messages on the topic start
    /// arriving a little later.</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Subscribe(ReadOnlySpan<byte> topic) => Change(topic, subscribe: true);

    /// <summary>Subscribes to a UTF-8 topic prefix; "" subscribes to everything.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="topic"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Subscribe(string topic) => Subscribe(Utf8(topic));

    /// <summary>Cancels one <see cref="Subscribe(ReadOnlySpan{byte})"/> of the same topic; cancelling a
    /// topic never subscribed does nothing. Once the last subscription to a topic is cancelled,
    /// nothing on it is received, even what the publishers had already sent.</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Unsubscribe(ReadOnlySpan<byte> topic) => Change(topic, subscribe: false);

    /// <summary>Cancels one subscription to a UTF-8 topic prefix.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="topic"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Unsubscribe(string topic) => Unsubscribe(Utf8(topic));

    /// <summary>The topics live in the receive filter (read under the receive lock) and go to the
    /// publishers (under the send lock): a change holds both.</summary>
    private void Change(ReadOnlySpan<byte> topic, bool subscribe)
    {
        ThrowIfDisposed();
        using (SendLock.Enter())
        using (ReceiveLock.Enter())
        {
            _rules.Change(topic, subscribe);
        }
    }

    private sealed class Rules : SubscribingPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Sub;
    }
}
