using Zmq.Engine;
using Zmq.Sockets.Core;

namespace Zmq.Routing;

/// <summary>Round-robin send (libzmq lb): each message to the next pipe with room under its HWM, a
/// multipart message whole to one pipe (its room is checked at the first frame; the rest always
/// follow). All methods run under the socket's send lock. Part of the routing kit: unit-tested alone.</summary>
internal sealed class LoadBalancer
{
    private readonly List<Pipe> _pipes = [];
    /// <summary>Whose turn it is; written per message by the sender: alone on its cache line.</summary>
    private LoneInt _turn;

    /// <summary>The pipe taking the multipart message being sent, or null between messages.</summary>
    private Pipe? _sending;

    /// <summary>The rest of a message whose pipe went away mid-way is dropped.</summary>
    private bool _dropping;

    public int Count => _pipes.Count;

    /// <summary>Whether the frames sent so far end inside a multipart message (including the rest of
    /// one being dropped because its pipe went).</summary>
    public bool InMessage => _sending != null || _dropping;

    public void Add(Pipe pipe) => _pipes.Add(pipe);

    public void Remove(Pipe pipe)
    {
        _pipes.Remove(pipe);
        if (_sending == pipe)
        {
            // Its staged frames go with it (the pipe's queue is never published now); the rest of
            // the message has nowhere to go.
            pipe.Outbound.RollbackStaged();
            _sending = null;
            _dropping = true;
        }
    }

    /// <summary>Queues one frame: the first of a message on the next pipe with room, the others on
    /// the same pipe. False (and <paramref name="blocked"/>, the full pipe in turn) when every pipe is
    /// full or none exists.</summary>
    public bool TrySend(ref Outgoing frame, out Pipe? blocked) => TrySend(ref frame, out blocked, null);

    /// <summary><see cref="TrySend(ref Outgoing, out Pipe?)"/>, with <paramref name="envelope"/> run on
    /// the chosen pipe before a message's first frame (REQ writes its delimiter there).</summary>
    public bool TrySend(ref Outgoing frame, out Pipe? blocked, Action<Pipe>? envelope)
    {
        blocked = null;
        var pipe = _sending;
        if (pipe == null)
        {
            if (_dropping)
            {
                _dropping = frame.More;
                frame.Drop();
                return true;
            }
            pipe = NextWithRoom();
            if (pipe == null)
            {
                blocked = InTurn();
                return false;
            }
            envelope?.Invoke(pipe);
        }
        frame.WriteTo(pipe);
        // Written only when it changes: the common single-frame message leaves it null.
        if (frame.More)
        {
            _sending = pipe;
        }
        else if (_sending != null)
        {
            _sending = null;
        }
        return true;
    }

    /// <summary>Whether a message could be queued now.</summary>
    public bool HasRoom
    {
        get
        {
            foreach (var pipe in _pipes)
            {
                if (pipe.HasSendCapacity)
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>The pipe whose turn is next, room or not; null when there is none.</summary>
    private Pipe? InTurn() => _pipes.Count == 0 ? null : _pipes[_turn.Value < _pipes.Count ? _turn.Value : 0];

    /// <summary>The next pipe in turn with room under its HWM, or null when every pipe is full (or none exists).</summary>
    private Pipe? NextWithRoom()
    {
        int n = _pipes.Count;
        for (int i = 0; i < n; i++)
        {
            if (_turn.Value >= n)
            {
                _turn.Value = 0;
            }
            var pipe = _pipes[_turn.Value++];
            if (pipe.HasSendCapacity)
            {
                return pipe;
            }
        }
        return null;
    }
}
