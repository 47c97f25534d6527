using Zmq.Engine;
using Zmq.Messages;
using Zmq.Protocol;

namespace Zmq.Routing;

/// <summary>
/// A subscriber's own subscriptions (SUB; XSUB next): counted topics that filter what it receives,
/// and the publishers they have been sent to. A publisher that does not know them yet is sent all
/// of them; a change goes to every publisher that does. Subscriptions ignore the high-water mark:
/// they are few, and dropping one would silently change what the socket receives. The topics are
/// read under the receive lock and changed under both locks; the rest runs under the send lock.
/// Part of the routing kit.
/// </summary>
internal sealed class SubscriptionList : IPeerInterest
{
    private readonly SubscriptionTrie<SubscriptionList> _topics = new();
    private readonly List<byte[]> _topicList = [];
    private readonly HashSet<Pipe> _told = [];

    /// <summary>Whether a message whose first frame is <paramref name="first"/> is subscribed to.</summary>
    public bool Matches(ReadOnlySpan<byte> first) => _topics.Matches(first);

    public void Change(ReadOnlySpan<byte> topic, bool subscribe)
    {
        bool edge = subscribe ? _topics.Add(topic, this) : _topics.Remove(topic, this);
        // A cancel goes up only with the topic's last subscription; a subscription goes up every
        // time, repeats included (libzmq's SUB and XSUB send each one): an XPUB upstream in verbose
        // or manual mode, or behind a forwarder, is owed every one.
        if (!edge && !subscribe)
        {
            return;
        }
        if (edge && subscribe)
        {
            _topicList.Add(topic.ToArray());
        }
        else if (edge)
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

    /// <summary>Sends every subscription to a publisher that does not have them yet.</summary>
    public void TellAll(Pipe pipe)
    {
        if (_told.Add(pipe))
        {
            foreach (var topic in _topicList)
            {
                Tell(pipe, topic, subscribe: true);
            }
        }
    }

    /// <summary>The publisher behind the pipe no longer knows the subscriptions (its connection was
    /// lost) or is gone.</summary>
    public void Forget(Pipe pipe) => _told.Remove(pipe);

    /// <summary>In ZMTP 3.0's message form, which every 3.x publisher accepts.</summary>
    private static void Tell(Pipe pipe, ReadOnlySpan<byte> topic, bool subscribe) =>
        pipe.Write(Msg.Wrap(Commands.SubscriptionMessage(subscribe, topic)));
}
