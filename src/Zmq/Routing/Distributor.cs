using Zmq.Engine;
using Zmq.Messages;
using Zmq.Sockets.Core;

namespace Zmq.Routing;

/// <summary>Fan-out (libzmq dist): a message goes to every pipe chosen at its first frame that has
/// room under its HWM; a full pipe misses the whole message, a send never waits. A payload too big
/// to sit inline in the queue slots is shared by them all, not copied per pipe. Runs under the
/// socket's send lock. Part of the routing kit: unit-tested alone.</summary>
internal sealed class Distributor
{
    private readonly List<Pipe> _sending = [];

    /// <summary>Whether the frames sent so far end inside a multipart message.</summary>
    public bool InMessage { get; private set; }

    /// <summary>Starts choosing the pipes for the next message.</summary>
    public void Clear() => _sending.Clear();

    /// <summary>Chooses <paramref name="pipe"/> for the message if it has room: at the high-water mark
    /// it misses the message (libzmq drops too).</summary>
    public void AddIfRoom(Pipe pipe)
    {
        if (pipe.HasSendCapacity)
        {
            _sending.Add(pipe);
        }
        else
        {
            pipe.Outbound.CountRefused();
        }
    }

    /// <summary>How many pipes take the message being sent.</summary>
    public int Count => _sending.Count;

    /// <summary>Chooses the pipes of <paramref name="candidates"/> that have room for the next message.</summary>
    public void Choose(HashSet<Pipe> candidates)
    {
        _sending.Clear();
        foreach (var pipe in candidates)
        {
            AddIfRoom(pipe);
        }
    }

    /// <summary>Queues a group frame (RADIO: it goes before each body, RFC 48) on each chosen pipe:
    /// copied into the slots when short, else one counted copy shared by them all.</summary>
    public void SendGroup(ReadOnlySpan<byte> group)
    {
        if (group.Length <= Msg.InlineCapacity)
        {
            new Outgoing(group, more: true, 0).WriteToAll(_sending);
            return;
        }
        var msg = Msg.CopyOf(group, more: true, shareable: true);
        new Outgoing(ref msg, 0).WriteToAll(_sending);
    }

    /// <summary>Queues one frame on each chosen pipe.</summary>
    public void Send(ref Outgoing frame)
    {
        frame.WriteToAll(_sending);
        InMessage = frame.More;
    }

    /// <summary>The pipe takes no more messages: the part of one being sent to it, written but not
    /// yet published, is taken back.</summary>
    public void Remove(Pipe pipe)
    {
        if (_sending.Remove(pipe))
        {
            pipe.Outbound.RollbackStaged();
        }
    }
}
