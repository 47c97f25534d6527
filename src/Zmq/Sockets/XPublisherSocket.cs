using Zmq.Engine;
using Zmq.Messages;
using Zmq.Protocol;
using Zmq.Routing;
using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// XPUB: a PUB that sees its subscribers' subscriptions. It publishes as PUB does, and receives each
/// subscription as a message: a 0x01 byte, then the topic, when the first subscriber takes a topic;
/// a 0x00 byte, then the topic, when the last one cancels it or leaves. With
/// <see cref="XpubVerbose"/> every subscription is received, repeats included; with
/// <see cref="XpubVerboser"/> every cancellation too. An XSUB/XPUB pair through <see cref="Proxy"/>
/// makes a forwarder that carries subscriptions upstream.
/// <para>Threads: whole-message sends and receives, Bind, Connect and Dispose are safe from many
/// threads at once; a message sent or received frame by frame belongs to one thread until its last
/// frame (<see cref="ZmqSocket.IsThreadSafe"/> is false). Options are not synchronised: set them
/// before Bind and Connect.</para>
/// </summary>
public sealed class XPublisherSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates an XPUB in <see cref="ZmqContext.Default"/>.</summary>
    public XPublisherSocket()
        : this(null)
    {
    }

    /// <summary>Creates an XPUB whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public XPublisherSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>libzmq ZMQ_XPUB_VERBOSE; default false. When true, every subscription is received,
    /// not only a topic's first.</summary>
    public bool XpubVerbose { get; set; }

    /// <summary>libzmq ZMQ_XPUB_NODROP; default false. When true, a send waits (up to
    /// <see cref="ZmqSocket.SendTimeout"/>; <c>TrySend</c> returns false) until every subscriber the
    /// message goes to has room under its high-water mark, instead of the full ones missing it.</summary>
    public bool XpubNoDrop { get; set; }

    /// <summary>libzmq ZMQ_XPUB_WELCOME_MSG; default null = none. Sent to each subscriber as its
    /// first message when it connects (again after each reconnect); a SUB receives it only if it
    /// subscribed to it, before connecting. Read, and copied, at each connection.</summary>
    public byte[]? WelcomeMessage { get; set; }

    /// <summary>libzmq ZMQ_XPUB_VERBOSER; default false. When true, every subscription and every
    /// cancellation is received, not only a topic's first and last.</summary>
    public bool XpubVerboser { get; set; }

    private sealed class Rules : PublishingPattern
    {
        /// <summary>How many subscribers hold each topic.</summary>
        private readonly Dictionary<byte[], int> _holders = new(ByteArrayComparer.Instance);
        private readonly Dictionary<Pipe, List<byte[]>> _topicsOf = [];

        /// <summary>Where the subscriptions wait for the application: a queue only this pattern
        /// writes (under the send lock) and the receivers read, as they read a peer's.</summary>
        private readonly Pipe _subscriptions = new(0, 0, "subscriptions", connectSide: false);

        private XPublisherSocket Socket => (XPublisherSocket)Owner;

        public override ZmqSocketType Type => ZmqSocketType.XPub;

        protected override bool WaitsForRoom => Socket.XpubNoDrop;

        public override void Attach(Pipe pipe)
        {
            base.Attach(pipe);
            // A connecting end is welcomed at each handshake (Connected) instead.
            if (pipe.IsInproc || pipe.Connection != null)
            {
                Welcome(pipe);
            }
        }

        public override void Connected(Pipe pipe) => Welcome(pipe);

        private void Welcome(Pipe pipe)
        {
            if (Socket.WelcomeMessage is { } welcome)
            {
                pipe.Write(Msg.CopyOf(welcome));
            }
        }

        protected override void OnInterest(Pipe pipe, bool subscribe, ReadOnlySpan<byte> topic, bool changed)
        {
            bool edge = false;
            if (changed)
            {
                var topics = TopicsOf(pipe);
                if (subscribe)
                {
                    topics.Add(topic.ToArray());
                    edge = Count(topic, +1) == 1;
                }
                else
                {
                    for (int i = 0; i < topics.Count; i++)
                    {
                        if (topics[i].AsSpan().SequenceEqual(topic))
                        {
                            topics.RemoveAt(i);
                            break;
                        }
                    }
                    edge = Count(topic, -1) == 0;
                }
            }
            if (edge || Socket.XpubVerboser || (subscribe && Socket.XpubVerbose))
            {
                Tell(subscribe, topic);
            }
        }

        protected override void OnForget(Pipe pipe)
        {
            if (!_topicsOf.Remove(pipe, out var topics))
            {
                return;
            }
            foreach (var topic in topics)
            {
                if (Count(topic, -1) == 0)
                {
                    Tell(subscribe: false, topic);
                }
            }
        }

        private List<byte[]> TopicsOf(Pipe pipe)
        {
            if (!_topicsOf.TryGetValue(pipe, out var topics))
            {
                _topicsOf[pipe] = topics = [];
            }
            return topics;
        }

        private int Count(ReadOnlySpan<byte> topic, int delta)
        {
            var lookup = _holders.GetAlternateLookup<ReadOnlySpan<byte>>();
            int n = (lookup.TryGetValue(topic, out int held) ? held : 0) + delta;
            if (n > 0)
            {
                lookup[topic] = n;
            }
            else
            {
                lookup.Remove(topic);
            }
            return n;
        }

        private void Tell(bool subscribe, ReadOnlySpan<byte> topic)
        {
            _subscriptions.Inbound.Enqueue(Msg.Wrap(Commands.SubscriptionMessage(subscribe, topic)));
            Owner.ActivateForReceivers(_subscriptions);
        }
    }
}
