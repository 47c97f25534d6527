using Zmq.Messages;

namespace Zmq;

// The proxy's way through two sockets: a message moves from one socket's queue into the other's
// frame by frame as it was queued (inline payloads as they sit in the slot, larger ones by
// reference), never copied into a MultipartMessage and out again. Each side is still whole: taken
// under one hold of the receive lock, sent under one hold of the send lock.
public abstract partial class ZmqSocket
{
    /// <summary>Takes the next whole message as it was queued (the identity frame first, where the
    /// type delivers one); never waits. The frames are the caller's.</summary>
    internal bool TryTakeMessage(HeldMessage into)
    {
        var sink = new HoldingSink(into);
        return TryReceiveWholeNow(ref sink);
    }

    /// <summary>Queues a whole message another socket's <see cref="TryTakeMessage"/> gave; never
    /// waits. True: its frames are this socket's now; false (no room): they are still the caller's.</summary>
    internal bool TryForwardMessage(HeldMessage message, uint routingId)
    {
        CheckSend(message.Count > 1, routingId, default);
        message.PrepareFor(_fansOut);
        return TrySendWholeNow(new HeldSource(message), routingId);
    }

    private readonly struct HoldingSink(HeldMessage into) : IFrameSink
    {
        public void Begin(uint routingId, MessageProperties? properties) => into.Begin(routingId);

        public void Add(ref Msg frame) => into.Add(ref frame);
    }

    private readonly struct HeldSource(HeldMessage message) : IFrameSource
    {
        public int Count => message.Count;

        public bool TrySendPart(ZmqSocket socket, int index, uint routingId)
        {
            var frame = new Sockets.Core.Outgoing(ref message.Frame(index), routingId);
            return socket._pattern.TrySend(ref frame, out _);
        }
    }
}
