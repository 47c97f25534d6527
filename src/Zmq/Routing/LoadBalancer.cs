using Zmq.Engine;
using Zmq.Messages;

namespace Zmq.Routing;

/// <summary>Round-robin send (libzmq lb): each message to the next pipe with room under its HWM.
/// All methods run under the socket's send lock.</summary>
internal sealed class LoadBalancer
{
    private readonly List<Pipe> _pipes = [];
    private int _current;

    public int Count => _pipes.Count;

    public void Add(Pipe pipe) => _pipes.Add(pipe);

    public void Remove(Pipe pipe) => _pipes.Remove(pipe);

    /// <summary>Queues the message on the next pipe with room; false when every pipe is full (or none exists).</summary>
    public bool TrySend(ref Msg msg)
    {
        if (NextWithRoom() is not { } pipe)
        {
            return false;
        }
        pipe.Write(msg);
        msg = default;
        return true;
    }

    /// <summary>The pipe whose turn is next, room or not; null when there is none.</summary>
    public Pipe? InTurn() => _pipes.Count == 0 ? null : _pipes[_current < _pipes.Count ? _current : 0];

    /// <summary>The next pipe in turn with room under its HWM, or null when every pipe is full (or none exists).</summary>
    public Pipe? NextWithRoom()
    {
        int n = _pipes.Count;
        for (int i = 0; i < n; i++)
        {
            if (_current >= n)
            {
                _current = 0;
            }
            var pipe = _pipes[_current++];
            if (pipe.HasSendCapacity)
            {
                return pipe;
            }
        }
        return null;
    }
}
