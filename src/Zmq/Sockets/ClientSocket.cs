using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;

namespace Zmq;

/// <summary>
/// CLIENT (RFC 41): talks to SERVER peers. Sends round-robin to its peers; a message sent before any
/// connection exists waits in the queue of each connecting endpoint; at the high-water mark a send
/// waits (up to <see cref="ZmqSocket.SendTimeout"/>) and never drops. Thread-safe.
/// </summary>
public sealed class ClientSocket : ThreadSafeSocket
{
    private readonly LoadBalancer _loadBalancer = new();
    private readonly TrySendRule<uint> _trySend;

    public ClientSocket()
        : this(null)
    {
    }

    /// <summary>Creates a CLIENT whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public ClientSocket(ZmqContext? context)
        : base(context)
    {
        _trySend = TrySendCore;
    }

    public override string SocketType => "CLIENT";

    /// <summary>A message the application receives when a connection this socket made is lost and
    /// will be re-dialled (libzmq ZMQ_HICCUP_MSG, default none).</summary>
    public byte[]? HiccupMessage { get; set; }

    private protected override byte[]? MessageOnConnectionLost(Pipe pipe) => pipe.IsConnectSide ? HiccupMessage : null;

    /// <summary>Sends a message, waiting up to <see cref="ZmqSocket.SendTimeout"/> while every peer queue is full.</summary>
    /// <exception cref="TimeoutException">No peer took the message in time.</exception>
    public void Send(ReadOnlySpan<byte> data)
    {
        ThrowIfDisposed();
        SendCore(data, 0, _trySend);
    }

    /// <summary>Sends UTF-8 text.</summary>
    public void Send(string text) => Send(Utf8(text));

    /// <summary>libzmq's SNDMORE form. CLIENT has no multipart: <paramref name="more"/> must be false.</summary>
    /// <exception cref="NotSupportedException"><paramref name="more"/> is true.</exception>
    public void Send(ReadOnlySpan<byte> data, bool more)
    {
        if (more)
        {
            throw MultipartNotSupported(SocketType);
        }
        Send(data);
    }

    /// <summary>Queues the message if a peer queue has room; never waits.</summary>
    public bool TrySend(ReadOnlySpan<byte> data)
    {
        ThrowIfDisposed();
        return TrySendNow(data, 0);
    }

    /// <summary>Sends a message, waiting asynchronously while every peer queue is full.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return SendAsyncCore(data, 0, _trySend, cancellationToken);
    }

    /// <summary>Sends a pooled buffer without copying it, waiting up to <see cref="ZmqSocket.SendTimeout"/>
    /// while every peer queue is full. <paramref name="message"/> is emptied: the library owns the
    /// buffer and returns it to the pool once written, or when the send fails.</summary>
    /// <exception cref="TimeoutException">No peer took the message in time.</exception>
    public void Send(ref MessageBuffer message)
    {
        TakeIfRefused(ref message, 0, byRoutingId: false);
        SendCore(ref message, 0, _trySend);
    }

    /// <summary>Queues a pooled buffer (emptying <paramref name="message"/>) if a peer queue has room;
    /// never waits. When it returns false the buffer is still the caller's; an exception empties it.</summary>
    public bool TrySend(ref MessageBuffer message)
    {
        TakeIfRefused(ref message, 0, byRoutingId: false);
        return TrySendNow(ref message, 0);
    }

    /// <summary>Sends a pooled buffer without copying it, waiting asynchronously while every peer queue
    /// is full. <paramref name="message"/> is emptied at once: the library owns the buffer.</summary>
    public ValueTask SendAsync(ref MessageBuffer message, CancellationToken cancellationToken = default)
    {
        TakeIfRefused(ref message, 0, byRoutingId: false);
        return SendAsyncCore(ref message, 0, _trySend, cancellationToken);
    }

    private protected override Pipe? PipeWithRoom(uint routingId) => _loadBalancer.NextWithRoom();

    private protected override Pipe? FullPipe(uint routingId) => _loadBalancer.InTurn();

    private protected override bool IsCompatiblePeer(string peerSocketType) => peerSocketType == "SERVER";

    private protected override void OnPipeAdded(Pipe pipe)
    {
        using (SendLock.Enter())
        {
            _loadBalancer.Add(pipe);
        }
    }

    private protected override void OnPipeRemoved(Pipe pipe)
    {
        using (SendLock.Enter())
        {
            _loadBalancer.Remove(pipe);
        }
    }
}
