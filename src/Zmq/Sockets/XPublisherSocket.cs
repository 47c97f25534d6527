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
/// <see cref="XpubVerboser"/> every cancellation too; with <see cref="XpubManual"/> the application
/// decides what each subscriber gets. Any other message a subscriber sends (an XSUB's sends that are
/// not subscriptions) is received as it came. An XSUB/XPUB pair through <see cref="Proxy"/>
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

    /// <summary>libzmq ZMQ_XPUB_MANUAL; default false. When true, every subscription and
    /// unsubscription a subscriber sends reaches the application (as <see cref="XpubVerboser"/>) and
    /// none takes effect by itself: the application decides, calling <see cref="Subscribe(ReadOnlySpan{byte})"/>
    /// or <see cref="Unsubscribe(ReadOnlySpan{byte})"/>, which act for the subscriber of the last
    /// subscription message received. A subscriber that leaves still has its subscriptions dropped,
    /// and an unsubscription for each topic no other subscriber asked for is received. Set before
    /// Bind and Connect.</summary>
    public bool XpubManual { get; set; }

    /// <summary>libzmq ZMQ_XPUB_MANUAL_LAST_VALUE: <see cref="XpubManual"/>, and besides, the first
    /// message sent after a subscription message was received goes only to that subscriber (if it
    /// matches), so that a last-value cache can answer a newcomer without repeating itself to
    /// everyone. Set before Bind and Connect.</summary>
    public bool XpubManualLastValue { get; set; }

    /// <summary>In manual mode, subscribes the subscriber of the last subscription message received
    /// to <paramref name="topic"/> (a prefix; empty is everything).</summary>
    /// <exception cref="InvalidOperationException">Not in manual mode, or no subscription message
    /// has been received yet.</exception>
    public void Subscribe(ReadOnlySpan<byte> topic) => ((Rules)Pattern).Manually(subscribe: true, topic);

    /// <summary>In manual mode, subscribes the subscriber of the last subscription message received
    /// to the UTF-8 <paramref name="topic"/>.</summary>
    /// <exception cref="InvalidOperationException">As <see cref="Subscribe(ReadOnlySpan{byte})"/>.</exception>
    public void Subscribe(string topic) => Subscribe(Utf8(topic));

    /// <summary>In manual mode, unsubscribes the subscriber of the last subscription message received
    /// from <paramref name="topic"/>.</summary>
    /// <exception cref="InvalidOperationException">As <see cref="Subscribe(ReadOnlySpan{byte})"/>.</exception>
    public void Unsubscribe(ReadOnlySpan<byte> topic) => ((Rules)Pattern).Manually(subscribe: false, topic);

    /// <summary>In manual mode, unsubscribes the subscriber of the last subscription message received
    /// from the UTF-8 <paramref name="topic"/>.</summary>
    /// <exception cref="InvalidOperationException">As <see cref="Subscribe(ReadOnlySpan{byte})"/>.</exception>
    public void Unsubscribe(string topic) => Unsubscribe(Utf8(topic));

    private sealed class Rules : PublishingPattern
    {
        /// <summary>Manual mode: the subscriber of each subscription message told, by its place in
        /// the subscriptions queue (each message is one frame, so places count dequeues).</summary>
        private readonly Queue<(long Place, Pipe From)> _askedBy = new();
        private long _told;
        private Pipe? _lastAsker;

        /// <summary>The place of the last subscription message whose subscriber has had its one
        /// message (manual last value).</summary>
        private long _servedUpTo = -1;

        /// <summary>How many subscribers hold each topic.</summary>
        private readonly Dictionary<byte[], int> _holders = new(ByteArrayComparer.Instance);
        private readonly Dictionary<Pipe, List<byte[]>> _topicsOf = [];

        /// <summary>Where the subscriptions wait for the application: a queue only this pattern
        /// writes (under the send lock) and the receivers read, as they read a peer's.</summary>
        private readonly Pipe _subscriptions = new(0, 0, "subscriptions", connectSide: false);

        private XPublisherSocket Socket => (XPublisherSocket)Owner;

        private bool _passedUp;

        public Rules()
        {
            // A subscriber's own messages (an XSUB's non-subscription sends) reach the application too.
            PassUpWith(msg =>
            {
                _told++;
                _subscriptions.Inbound.Enqueue(msg);
                _passedUp = true;
            });
        }

        protected override void Passed()
        {
            if (_passedUp)
            {
                _passedUp = false;
                Owner.ActivateForReceivers(_subscriptions);
            }
        }

        public override ZmqSocketType Type => ZmqSocketType.XPub;

        protected override bool WaitsForRoom => Socket.XpubNoDrop;

        protected override bool Manual => Socket.XpubManual || Socket.XpubManualLastValue;

        /// <summary>The subscriber of the last subscription message the application received: the
        /// place of that message, and its pipe (under the send lock, as every caller).</summary>
        private (long Place, Pipe? From) LastReceived()
        {
            long last = _subscriptions.Inbound.Dequeued - 1;
            while (_askedBy.TryPeek(out var head) && head.Place <= last)
            {
                _lastAsker = head.From;
                _askedBy.Dequeue();
            }
            return (last, _lastAsker);
        }

        public void Manually(bool subscribe, ReadOnlySpan<byte> topic)
        {
            using (Owner.SendLockScope())
            {
                if (!Manual)
                {
                    throw new InvalidOperationException($"{(subscribe ? "Subscribe" : "Unsubscribe")} on an XPUB is for manual mode: set XpubManual, then call it after receiving a subscription message");
                }
                if (LastReceived().From is not { Terminated: false } pipe)
                {
                    throw new InvalidOperationException($"{(subscribe ? "Subscribe" : "Unsubscribe")} acts for the subscriber of the last subscription message received, and none has been received (or that subscriber has gone)");
                }
                ApplyManually(pipe, subscribe, topic);
            }
        }

        protected override Pipe? OnlyTo()
        {
            if (!Socket.XpubManualLastValue)
            {
                return null;
            }
            var (place, from) = LastReceived();
            if (place <= _servedUpTo || from == null)
            {
                return null;
            }
            _servedUpTo = place;
            return from;
        }

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
            if (Manual)
            {
                // Every request goes up, with who asked, for the application's Subscribe to act on.
                _askedBy.Enqueue((_told, pipe));
            }
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
            if (edge || Manual || Socket.XpubVerboser || (subscribe && Socket.XpubVerbose))
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
            _told++;
            _subscriptions.Inbound.Enqueue(Msg.Wrap(Commands.SubscriptionMessage(subscribe, topic)));
            Owner.ActivateForReceivers(_subscriptions);
        }
    }
}
