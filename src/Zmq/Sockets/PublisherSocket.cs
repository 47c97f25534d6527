using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;

namespace Zmq;

/// <summary>
/// PUB (RFC 29): sends each message to every connected SUB whose subscriptions match its first
/// frame (a prefix match; the empty topic matches all). A subscriber whose queue is at
/// <see cref="ZmqSocket.SendHighWatermark"/> misses the message: a send never waits. Receives
/// nothing. Multipart messages go whole to the same subscribers. Use from one thread at a time.
/// </summary>
public sealed class PublisherSocket : ZmqSocket
{
    /// <summary>Guards the subscriptions, which read loops update, against the sending thread.</summary>
    private readonly ShortLock _lock = new();
    private readonly SubscriptionTrie<Pipe> _subscriptions = new(counted: false);

    /// <summary>The pipes whose subscriptions count: a pipe left behind (by Disconnect, say) may
    /// still deliver some, which must not bring it back.</summary>
    private readonly HashSet<Pipe> _pipes = [];

    /// <summary>The subscribers taking the multipart message being sent.</summary>
    private readonly List<Pipe> _sending = [];
    private bool _inMessage;

    public PublisherSocket()
        : this(null)
    {
    }

    /// <summary>Creates a PUB whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public PublisherSocket(ZmqContext? context)
        : base(context)
    {
    }

    public override string SocketType => "PUB";

    private protected override bool ReceivesSubscriptions => true;

    /// <summary>Publishes a single-frame message; never waits.</summary>
    public void Send(ReadOnlySpan<byte> data) => Send(data, more: false);

    /// <summary>Publishes UTF-8 text.</summary>
    public void Send(string text) => Send(text, more: false);

    /// <summary>Publishes UTF-8 text as one frame of a multipart message.</summary>
    public void Send(string text, bool more) => Send(Utf8(text), more);

    /// <summary>Publishes one frame; <paramref name="more"/> says another frame of the same message
    /// follows (libzmq SNDMORE). The first frame decides which subscribers get the message.</summary>
    public void Send(ReadOnlySpan<byte> data, bool more)
    {
        ThrowIfDisposed();
        using (_lock.Enter())
        {
            if (!_inMessage)
            {
                _sending.Clear();
                foreach (var pipe in _subscriptions.Match(data))
                {
                    // At the high-water mark this subscriber misses the message (libzmq drops too).
                    if (pipe.HasSendCapacity)
                    {
                        _sending.Add(pipe);
                    }
                }
            }
            foreach (var pipe in _sending)
            {
                if (data.Length <= Msg.InlineCapacity)
                {
                    pipe.WriteInline(data, more);
                }
                else
                {
                    pipe.Write(Msg.CopyOf(data, more));
                }
            }
            _inMessage = more;
        }
    }

    private protected override bool IsCompatiblePeer(string peerSocketType) => peerSocketType is "SUB" or "XSUB";

    private protected override void OnPipeAdded(Pipe pipe)
    {
        // A subscriber gets nothing until it subscribes.
        using (_lock.Enter())
        {
            _pipes.Add(pipe);
        }
    }

    private protected override void OnPipeRemoved(Pipe pipe)
    {
        using (_lock.Enter())
        {
            _pipes.Remove(pipe);
            Forget(pipe);
        }
    }

    /// <summary>A connecting pipe outlives its connection, and the peer sends its subscriptions again
    /// after reconnecting: the old ones go now, and so does what was queued for them, so the new
    /// connection starts on a message boundary with only what it subscribes to.</summary>
    private protected override void OnPipeDisconnected(Pipe pipe)
    {
        using (_lock.Enter())
        {
            Forget(pipe);
            pipe.DrainOutbound();
        }
    }

    /// <summary>Under the lock: no more messages for <paramref name="pipe"/>, and the part of one
    /// being sent, written but not yet published, is taken back.</summary>
    private void Forget(Pipe pipe)
    {
        _subscriptions.RemoveAll(pipe);
        if (_sending.Remove(pipe))
        {
            pipe.Outbound.RollbackStaged();
        }
    }

    /// <summary>Subscriptions arrived: 0x01 or 0x00, then the topic (the connection turns ZMTP 3.1's
    /// SUBSCRIBE and CANCEL commands into this form too). Anything else from a subscriber is dropped.</summary>
    private protected override void OnPipeInboundReady(Pipe pipe)
    {
        using (_lock.Enter())
        {
            while (pipe.Inbound.TryDequeue(out var msg))
            {
                var body = msg.Span;
                if (_pipes.Contains(pipe) && body.Length > 0 && body[0] <= 1)
                {
                    if (body[0] == 1)
                    {
                        _subscriptions.Add(body[1..], pipe);
                    }
                    else
                    {
                        _subscriptions.Remove(body[1..], pipe);
                    }
                }
                msg.Release();
                pipe.OnInboundDequeued();
            }
        }
    }
}
