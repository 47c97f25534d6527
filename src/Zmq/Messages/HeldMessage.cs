namespace Zmq.Messages;

/// <summary>
/// A whole message between two sockets (the proxy's): its frames as the receiving socket queued
/// them, each moved on to the sending socket's queue without a copy. Reused from message to
/// message; whatever frames it still holds go back to the pool at <see cref="Clear"/>.
/// </summary>
internal sealed class HeldMessage
{
    private Msg[] _frames = new Msg[4];

    public int Count { get; private set; }

    /// <summary>The routing id of the peer it came from, as a receive reports it.</summary>
    public uint RoutingId { get; private set; }

    /// <summary>The bytes of all its frames.</summary>
    public long Bytes { get; private set; }

    public ref Msg Frame(int index) => ref _frames[index];

    public void Begin(uint routingId)
    {
        Clear();
        RoutingId = routingId;
    }

    /// <summary>Keeps the frame; <paramref name="frame"/> is emptied.</summary>
    public void Add(ref Msg frame)
    {
        if (Count == _frames.Length)
        {
            Array.Resize(ref _frames, Count * 2);
        }
        Bytes += frame.Length;
        _frames[Count++] = frame;
        frame = default;
    }

    /// <summary>Readies the frames for a socket's queues: a payload that is already shared had its
    /// holders counted for the queues it came through, so a socket that fans out (and counts holders
    /// again) gets a copy of its own; routing ids are the sending socket's to set.</summary>
    public void PrepareFor(bool fansOut)
    {
        for (int i = 0; i < Count; i++)
        {
            ref var frame = ref _frames[i];
            if (frame.Shared && fansOut)
            {
                var own = Msg.CopyOf(frame.Span, frame.More, shareable: true);
                frame.Release();
                frame = own;
            }
            frame.RoutingId = 0;
        }
    }

    /// <summary>Releases what is still held (frames a send did not take) and empties it.</summary>
    public void Clear()
    {
        for (int i = 0; i < Count; i++)
        {
            _frames[i].Release();
        }
        Count = 0;
        Bytes = 0;
    }
}
