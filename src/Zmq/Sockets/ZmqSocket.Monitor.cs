using System.Threading.Channels;

namespace Zmq;

// Monitor events: every subscriber gets its own bounded channel, so a slow reader loses its oldest
// events rather than slowing the socket.
public abstract partial class ZmqSocket
{
    private readonly Lock _monitorLock = new();
    private Channel<SocketEvent>[] _monitors = [];

    /// <summary>Starts receiving this socket's events (connections, handshakes, disconnections, with
    /// the endpoint, peer address and, on a SERVER, routing id they concern), from this call on. Each
    /// call returns a new independent reader; it completes when the socket is disposed. At most
    /// <paramref name="capacity"/> unread events are kept; older ones are dropped, so a slow reader
    /// never slows the socket.
    /// <para>Threads: callable from any thread. Events are written by the socket's I/O threads and by
    /// the threads calling Bind, Connect, Unbind and Dispose; those of different connections may
    /// interleave. The reader may be read by any number of threads.</para></summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public ChannelReader<SocketEvent> Monitor(int capacity = 1000)
    {
        ThrowIfDisposed();
        var channel = Channel.CreateBounded<SocketEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = false,
        });
        lock (_monitorLock)
        {
            _monitors = [.. _monitors, channel];
        }
        return channel.Reader;
    }

    /// <summary>Events as an async stream (see <see cref="Monitor(int)"/>; up to 1000 unread events are
    /// kept). The stream ends when the socket is disposed; cancelling
    /// <paramref name="cancellationToken"/> ends the enumeration with
    /// <see cref="OperationCanceledException"/>.</summary>
    /// <exception cref="ObjectDisposedException">The socket is disposed (thrown by this call, not by
    /// the enumeration).</exception>
    public IAsyncEnumerable<SocketEvent> MonitorAsync(CancellationToken cancellationToken = default) =>
        Monitor().ReadAllAsync(cancellationToken);

    private protected void Emit(SocketEvent e)
    {
        foreach (var m in Volatile.Read(ref _monitors))
        {
            m.Writer.TryWrite(e);
        }
    }

    private void CompleteMonitors()
    {
        lock (_monitorLock)
        {
            foreach (var m in _monitors)
            {
                m.Writer.TryComplete();
            }
            _monitors = [];
        }
    }
}
