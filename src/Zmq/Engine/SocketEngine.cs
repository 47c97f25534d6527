using System.Net.Sockets;

namespace Zmq.Engine;

/// <summary>
/// What every engine on one OS socket (ZMTP, raw STREAM, udp) shares: the socket, the pipe it
/// serves, and the way it ends. <see cref="BeginClose"/> asks the loops to finish what is queued;
/// <see cref="Abort"/> and the loops' own end close the socket once, which stops every pending call
/// (the token) and releases whoever waits for the drain.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Cancelled once when the engine stops; it lives as long as its loops.")]
internal abstract class SocketEngine(Socket socket, Pipe? pipe)
{
    private protected readonly Socket _socket = socket;

    /// <summary>Volatile: BeginClose on another thread stores <c>_closing</c>, fences, then reads it,
    /// while the loops publish it before they first look at <c>_closing</c>.</summary>
    private protected volatile Pipe? _pipe = pipe;
    private protected volatile bool _closing;
    private protected volatile bool _stopped;
    private int _socketClosed;
    private protected readonly CancellationTokenSource _stoppedToken = new();
    private protected readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once everything queued has been handed to the OS after <see cref="BeginClose"/>
    /// (the kernel delivers it from there), or when the engine has ended.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Graceful close: the loops send what is queued, then end; inbound messages are dropped
    /// from now on.</summary>
    public virtual void BeginClose()
    {
        _closing = true;
        // Orders the store above before the read below: either the loops see _closing or this
        // sees their pipe and wakes them.
        Interlocked.MemoryBarrier();
        _pipe?.WakeLoops();
    }

    /// <summary>Closes at once, dropping whatever is unsent.</summary>
    public void Abort()
    {
        _closing = true;
        CloseSocket();
    }

    private protected void CloseSocket()
    {
        if (Interlocked.Exchange(ref _socketClosed, 1) != 0)
        {
            return;
        }
        _stopped = true;
        _socket.Dispose();
        _stoppedToken.Cancel();
        _drained.TrySetResult();
        _pipe?.WakeLoops();
    }
}
