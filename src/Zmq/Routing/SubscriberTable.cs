using Zmq.Engine;
using Zmq.Messages;

namespace Zmq.Routing;

/// <summary>
/// A publisher's view of its subscribers (PUB; XPUB next): which pipe subscribed to which prefixes.
/// Subscriptions arrive as messages (0x01 or 0x00, then the topic: ZMTP 3.0's form, which libzmq
/// sends to every peer) or as ZMTP 3.1's SUBSCRIBE and CANCEL commands, and count only for pipes
/// the socket still routes to: a pipe left behind (by Disconnect, say) may still deliver some, which
/// must not bring it back. Runs under the socket's send lock. Part of the routing kit.
/// </summary>
internal sealed class SubscriberTable
{
    private readonly SubscriptionTrie<Pipe> _subscriptions = new(counted: false);
    private readonly HashSet<Pipe> _pipes = [];

    /// <summary>A subscriber gets nothing until it subscribes.</summary>
    public void Add(Pipe pipe) => _pipes.Add(pipe);

    public void Remove(Pipe pipe)
    {
        _pipes.Remove(pipe);
        _subscriptions.RemoveAll(pipe);
    }

    /// <summary>The pipe's subscriptions go (its peer sends them again after reconnecting).</summary>
    public void Forget(Pipe pipe) => _subscriptions.RemoveAll(pipe);

    /// <summary>The pipes subscribed to a prefix of <paramref name="first"/>, each once; read before the next call.</summary>
    public HashSet<Pipe> Match(ReadOnlySpan<byte> first) => _subscriptions.Match(first);

    private readonly HashSet<Pipe> _unmatched = [];

    /// <summary>The pipes with no subscription that is a prefix of <paramref name="first"/>
    /// (libzmq's invert matching); read before the next call.</summary>
    public HashSet<Pipe> MatchInverted(ReadOnlySpan<byte> first)
    {
        var matched = _subscriptions.Match(first);
        _unmatched.Clear();
        foreach (var pipe in _pipes)
        {
            if (!matched.Contains(pipe))
            {
                _unmatched.Add(pipe);
            }
        }
        return _unmatched;
    }

    /// <summary>As the pipe's inbound consumer: applies every subscription message it queued (through
    /// <paramref name="apply"/>, where the socket wants to see them). Any other message from a
    /// subscriber goes, frame by frame, to <paramref name="other"/> (which then owns each frame), or is
    /// dropped where there is none.</summary>
    public void ReadFrom(Pipe pipe, Action<Pipe, bool, byte[]>? apply = null, Action<Msg>? other = null)
    {
        // Messages are queued whole, so one that starts here ends here too.
        bool first = true, passing = false;
        while (pipe.Inbound.TryDequeue(out var msg))
        {
            var body = msg.Span;
            if (first)
            {
                passing = !(body.Length > 0 && body[0] <= 1);
                if (!passing)
                {
                    if (apply != null)
                    {
                        apply(pipe, body[0] == 1, body[1..].ToArray());
                    }
                    else
                    {
                        Apply(pipe, body[0] == 1, body[1..]);
                    }
                }
            }
            first = !msg.More;
            if (passing && other != null)
            {
                other(msg);
            }
            else
            {
                msg.Release();
            }
            pipe.OnInboundDequeued();
        }
    }

    /// <summary>Applies one subscription or cancellation; true when it changed the pipe's
    /// subscriptions (a repeat of one it has, or a cancel of one it has not, changes nothing).</summary>
    public bool Apply(Pipe pipe, bool subscribe, ReadOnlySpan<byte> topic) =>
        _pipes.Contains(pipe) && (subscribe ? _subscriptions.Add(topic, pipe) : _subscriptions.Remove(topic, pipe));
}
