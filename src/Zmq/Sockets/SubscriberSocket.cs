using Zmq.Engine;
using Zmq.Messages;
using Zmq.Protocol;
using Zmq.Routing;

namespace Zmq;

/// <summary>
/// SUB (RFC 29): receives what its PUB peers publish on the topics it subscribed to (a prefix of
/// the first frame; <see cref="Subscribe(string)"/> with "" takes everything). Subscriptions are
/// counted, sent to every publisher, and sent again after each reconnect; messages are also
/// filtered here, so nothing on a cancelled topic is received once <see cref="Unsubscribe(string)"/>
/// returns. Fair-queues across publishers, whole multipart messages at a time. Sends nothing.
/// Use from one thread at a time.
/// </summary>
public sealed class SubscriberSocket : ZmqSocket
{
    /// <summary>Guards the subscriptions and which pipes have been sent them: the application
    /// subscribes while connections come and go on other threads.</summary>
    private readonly Lock _lock = new();
    private readonly SubscriptionTrie<SubscriberSocket> _topics = new();
    private readonly List<byte[]> _topicList = [];
    private readonly HashSet<Pipe> _told = [];
    private readonly FairQueue _fairQueue = new();
    private readonly TryReceiveRule _tryReceive;

    /// <summary>The publisher whose multipart message is being received, and whether it is being dropped.</summary>
    private Pipe? _continuing;
    private bool _dropping;

    public SubscriberSocket()
        : this(null)
    {
    }

    /// <summary>Creates a SUB whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public SubscriberSocket(ZmqContext? context)
        : base(context)
    {
        _tryReceive = TryReceiveCore;
    }

    public override string SocketType => "SUB";

    private protected override bool ReadsWhenEmpty => true;

    /// <summary>Receives messages whose first frame starts with <paramref name="topic"/> (all, when
    /// empty). Subscribing twice needs two unsubscribes.</summary>
    public void Subscribe(ReadOnlySpan<byte> topic) => Change(topic, subscribe: true);

    /// <summary>Subscribes to a UTF-8 topic prefix; "" subscribes to everything.</summary>
    public void Subscribe(string topic) => Subscribe(Utf8(topic));

    /// <summary>Cancels one <see cref="Subscribe(ReadOnlySpan{byte})"/> of the same topic; cancelling a
    /// topic never subscribed does nothing.</summary>
    public void Unsubscribe(ReadOnlySpan<byte> topic) => Change(topic, subscribe: false);

    /// <summary>Cancels one subscription to a UTF-8 topic prefix.</summary>
    public void Unsubscribe(string topic) => Unsubscribe(Utf8(topic));

    /// <summary>Receives the next frame, waiting up to <see cref="ZmqSocket.ReceiveTimeout"/>; check
    /// <see cref="Message.More"/> for the rest of a multipart message.</summary>
    /// <exception cref="TimeoutException">Nothing arrived in time.</exception>
    public Message Receive() => Message.FromReceived(ReceiveBlocking(_tryReceive, ReceiveTimeout));

    /// <summary>Receives the next frame as UTF-8 text.</summary>
    public string ReceiveString() => Receive().ToString();

    /// <summary>Receives the next frame into <paramref name="buffer"/>: nothing allocated.</summary>
    /// <exception cref="BufferTooSmallException">The frame is longer than the buffer; it stays queued.</exception>
    public ReceiveResult Receive(Span<byte> buffer)
    {
        var msg = ReceiveBlocking(_tryReceive, ReceiveTimeout, buffer.Length);
        return CopyOut(ref msg, buffer);
    }

    /// <summary>Takes the next frame if one is waiting; never waits.</summary>
    public bool TryReceive(out Message message)
    {
        ThrowIfDisposed();
        bool got = TryReceiveCore(out var msg, int.MaxValue);
        message = got ? Message.FromReceived(msg) : default;
        return got;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a frame; false if none came.</summary>
    public bool TryReceive(out Message message, TimeSpan timeout)
    {
        bool got = TryReceiveWithin(_tryReceive, timeout, out var msg);
        message = got ? Message.FromReceived(msg) : default;
        return got;
    }

    /// <summary>Receives the next frame asynchronously.</summary>
    public async ValueTask<Message> ReceiveAsync(CancellationToken cancellationToken = default) =>
        Message.FromReceived(await ReceiveAsyncCore(_tryReceive, cancellationToken).ConfigureAwait(false));

    /// <summary>Receives every frame of the next message.</summary>
    public List<Message> ReceiveMultipart()
    {
        var frames = new List<Message> { Receive() };
        while (frames[^1].More)
        {
            frames.Add(Receive());
        }
        return frames;
    }

    private void Change(ReadOnlySpan<byte> topic, bool subscribe)
    {
        ThrowIfDisposed();
        lock (_lock)
        {
            if (subscribe ? !_topics.Add(topic, this) : !_topics.Remove(topic, this))
            {
                return;
            }
            if (subscribe)
            {
                _topicList.Add(topic.ToArray());
            }
            else
            {
                for (int i = 0; i < _topicList.Count; i++)
                {
                    if (_topicList[i].AsSpan().SequenceEqual(topic))
                    {
                        _topicList.RemoveAt(i);
                        break;
                    }
                }
            }
            foreach (var pipe in _told)
            {
                Tell(pipe, topic, subscribe);
            }
        }
    }

    /// <summary>Queues a subscription in ZMTP 3.0's message form, which every 3.x publisher accepts.
    /// Subscriptions ignore the high-water mark: they are few, and dropping one would silently
    /// change what this socket receives.</summary>
    private static void Tell(Pipe pipe, ReadOnlySpan<byte> topic, bool subscribe) =>
        pipe.Write(Msg.Wrap(Commands.SubscriptionMessage(subscribe, topic)));

    /// <summary>A publisher that does not yet know this socket's subscriptions is sent all of them.</summary>
    private void TellAll(Pipe pipe)
    {
        lock (_lock)
        {
            if (_told.Add(pipe))
            {
                foreach (var topic in _topicList)
                {
                    Tell(pipe, topic, subscribe: true);
                }
            }
        }
    }

    private bool TryReceiveCore(out Msg msg, int maxLength)
    {
        while (true)
        {
            var from = _continuing ?? _fairQueue.Current();
            if (from != null && _continuing != null && !from.Inbound.HasMessage)
            {
                // Queues publish a multipart message whole, so its rest is there unless the pipe
                // went meanwhile; then the message simply ends.
                if (from.Terminated)
                {
                    _continuing = null;
                    _dropping = false;
                    continue;
                }
                from = null;
            }
            if (from == null)
            {
                msg = default;
                return false;
            }
            if (_continuing == null)
            {
                // The topic decides before the length: a message this socket does not take is
                // dropped, never refused for its size.
                _dropping = !_topics.Matches(from.Inbound.Head().Span);
            }
            if (!_dropping && maxLength < int.MaxValue && from.Inbound.PeekLength() is int length && length > maxLength)
            {
                throw new BufferTooSmallException(length, maxLength);
            }
            from.Inbound.TryDequeue(out msg);
            if (_continuing == null)
            {
                _fairQueue.Taken(from);
            }
            else
            {
                from.OnInboundDequeued();
            }
            bool more = msg.More;
            _continuing = more ? from : null;
            if (!_dropping)
            {
                return true;
            }
            msg.Release();
            _dropping = more;
        }
    }

    private protected override bool IsCompatiblePeer(string peerSocketType) => peerSocketType is "PUB" or "XPUB";

    private protected override void OnPipeAdded(Pipe pipe)
    {
        // Inproc pipes never reconnect: they are told at once. Others once their connection is up.
        if (pipe.IsInproc || pipe.Connection != null)
        {
            TellAll(pipe);
        }
    }

    private protected override void OnPipeConnected(Pipe pipe) => TellAll(pipe);

    /// <summary>Subscriptions still queued for a lost connection are dropped: they are all sent again
    /// after the reconnect, and the publisher has forgotten the old ones.</summary>
    private protected override void OnPipeDisconnected(Pipe pipe)
    {
        lock (_lock)
        {
            _told.Remove(pipe);
            pipe.DrainOutbound();
        }
    }

    private protected override void OnPipeRemoved(Pipe pipe)
    {
        lock (_lock)
        {
            _told.Remove(pipe);
        }
    }

    private protected override void OnPipeInboundReady(Pipe pipe)
    {
        // The fence orders the queued messages before the flag reads (see FairQueue.Activate).
        Interlocked.MemoryBarrier();
        _fairQueue.Activate(pipe);
        ReceiveGate.PulseFenced();
    }
}
