using Zmq.Engine;
using Zmq.Messages;
using Zmq.Routing;

namespace Zmq;

/// <summary>
/// SERVER (RFC 41): talks to CLIENT peers. Every received message carries its sender's non-zero
/// 32-bit <see cref="Message.RoutingId"/>; a reply names that id. An id whose peer is gone gives
/// <see cref="HostUnreachableException"/>; a full peer queue makes the send wait, never drop.
/// Thread-safe.
/// </summary>
public sealed class ServerSocket : ThreadSafeSocket
{
    private readonly RoutingTable _routes = new();
    private readonly TrySendRule<uint> _trySend;

    public ServerSocket()
        : this(null)
    {
    }

    /// <summary>Creates a SERVER whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public ServerSocket(ZmqContext? context)
        : base(context)
    {
        _trySend = TrySendCore;
    }

    public override string SocketType => "SERVER";

    /// <summary>A message the application receives, tagged with the departed peer's routing id, when a
    /// peer's connection is lost (libzmq ZMQ_DISCONNECT_MSG, default none). Not delivered for
    /// connections this side closes (<see cref="DisconnectPeer"/>, Unbind, Dispose).</summary>
    public byte[]? DisconnectMessage { get; set; }

    private protected override byte[]? MessageOnConnectionLost(Pipe pipe) => DisconnectMessage;

    /// <summary>Closes the connection of the peer with this routing id, dropping what is queued for it.
    /// When it returns the id of an accepted peer is gone: <see cref="Peers"/> no longer lists it and
    /// sends to it throw <see cref="HostUnreachableException"/>. (A peer this SERVER connected to is
    /// re-dialled and keeps its id.) Returns false when no connected peer has the id.</summary>
    public bool DisconnectPeer(uint routingId)
    {
        ThrowIfDisposed();
        Pipe? pipe;
        using (SendLock.Enter())
        {
            if (!_routes.TryGet(routingId, out pipe) || pipe.Connection is null)
            {
                return false;
            }
            if (!pipe.IsConnectSide)
            {
                _routes.Remove(pipe);
            }
        }
        pipe.Connection?.Abort();
        return true;
    }

    /// <summary>What is known about a connected peer: its address, socket type and endpoint, or null.</summary>
    public PeerInfo? GetPeer(uint routingId)
    {
        using (SendLock.Enter())
        {
            if (!_routes.TryGet(routingId, out var pipe) || pipe.Connection is not { } c)
            {
                return null;
            }
            return new PeerInfo(routingId, pipe.Endpoint, c.PeerAddress, c.PeerSocketType);
        }
    }

    /// <summary>Sends to the peer with <paramref name="routingId"/>, waiting up to
    /// <see cref="ZmqSocket.SendTimeout"/> while its queue is full.</summary>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="TimeoutException">The peer's queue stayed full.</exception>
    public void Send(uint routingId, ReadOnlySpan<byte> data)
    {
        ThrowIfDisposed();
        CheckRoutingId(routingId);
        SendCore(data, routingId, _trySend);
    }

    /// <summary>Sends UTF-8 text to a peer.</summary>
    public void Send(uint routingId, string text) => Send(routingId, Utf8(text));

    /// <summary>libzmq's SNDMORE form. SERVER has no multipart: <paramref name="more"/> must be false.</summary>
    public void Send(uint routingId, ReadOnlySpan<byte> data, bool more)
    {
        if (more)
        {
            throw MultipartNotSupported(SocketType);
        }
        Send(routingId, data);
    }

    /// <summary>Queues the message if the peer's queue has room; never waits.</summary>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    public bool TrySend(uint routingId, ReadOnlySpan<byte> data)
    {
        ThrowIfDisposed();
        CheckRoutingId(routingId);
        return TrySendNow(data, routingId);
    }

    /// <summary>Sends to a peer, waiting asynchronously while its queue is full.</summary>
    public ValueTask SendAsync(uint routingId, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        CheckRoutingId(routingId);
        return SendAsyncCore(data, routingId, _trySend, cancellationToken);
    }

    /// <summary>Sends a pooled buffer to a peer without copying it, waiting up to
    /// <see cref="ZmqSocket.SendTimeout"/> while its queue is full. <paramref name="message"/> is
    /// emptied: the library owns the buffer and returns it to the pool once written, or when the send
    /// fails. (A received <see cref="MessageBuffer"/> can be sent back this way as it is.)</summary>
    /// <exception cref="HostUnreachableException">No connected peer has that id.</exception>
    /// <exception cref="TimeoutException">The peer's queue stayed full.</exception>
    public void Send(uint routingId, ref MessageBuffer message)
    {
        TakeIfRefused(ref message, routingId, byRoutingId: true);
        SendCore(ref message, routingId, _trySend);
    }

    /// <summary>Queues a pooled buffer (emptying <paramref name="message"/>) if the peer's queue has
    /// room; never waits. When it returns false the buffer is still the caller's; an exception empties it.</summary>
    /// <exception cref="HostUnreachableException">No connected peer has that id (the buffer is gone to the pool).</exception>
    public bool TrySend(uint routingId, ref MessageBuffer message)
    {
        TakeIfRefused(ref message, routingId, byRoutingId: true);
        return TrySendNow(ref message, routingId);
    }

    /// <summary>Sends a pooled buffer to a peer, waiting asynchronously while its queue is full.
    /// <paramref name="message"/> is emptied at once: the library owns the buffer.</summary>
    public ValueTask SendAsync(uint routingId, ref MessageBuffer message, CancellationToken cancellationToken = default)
    {
        TakeIfRefused(ref message, routingId, byRoutingId: true);
        return SendAsyncCore(ref message, routingId, _trySend, cancellationToken);
    }

    /// <summary>How many peers are connected now; unlike <see cref="Peers"/>, copies nothing.</summary>
    public int PeerCount
    {
        get
        {
            using (SendLock.Enter())
            {
                return _routes.Count;
            }
        }
    }

    /// <summary>The routing ids of the peers connected now (a copy, made on each call; for just how
    /// many, read <see cref="PeerCount"/>).</summary>
    public IReadOnlyList<uint> Peers
    {
        get
        {
            using (SendLock.Enter())
            {
                return [.. _routes.Ids];
            }
        }
    }

    private static void CheckRoutingId(uint routingId)
    {
        if (routingId == 0)
        {
            throw RoutingIdZero();
        }
    }

    private protected override Pipe? PipeWithRoom(uint routingId)
    {
        if (!_routes.TryGet(routingId, out var pipe))
        {
            throw new HostUnreachableException($"no connected peer has routing id {routingId}: it disconnected, or the id did not come from this socket");
        }
        return pipe.HasSendCapacity ? pipe : null;
    }

    private protected override Pipe? FullPipe(uint routingId) => _routes.TryGet(routingId, out var pipe) ? pipe : null;

    private protected override bool IsCompatiblePeer(string peerSocketType) => peerSocketType == "CLIENT";

    private protected override void OnPipeAdded(Pipe pipe)
    {
        using (SendLock.Enter())
        {
            pipe.RoutingId = _routes.Add(pipe);
        }
    }

    private protected override void OnPipeRemoved(Pipe pipe)
    {
        using (SendLock.Enter())
        {
            _routes.Remove(pipe);
        }
    }
}
