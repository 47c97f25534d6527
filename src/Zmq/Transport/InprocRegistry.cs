using Zmq.Engine;

namespace Zmq.Transport;

/// <summary>What the inproc registry needs from a socket.</summary>
internal interface IInprocSocket : IPeerHost
{
    int SendHighWatermark { get; }

    int ReceiveHighWatermark { get; }

    /// <summary>Adds a linked inproc pipe end to the socket.</summary>
    void AttachInproc(Pipe pipe, string peerSocketType);

    /// <summary>The other socket went away: this end carries no more traffic.</summary>
    void DetachInproc(Pipe pipe);

    /// <summary>A pipe this socket connected was linked (its peer is known), before either side sends on it.</summary>
    void InprocLinked(Pipe pipe);

    /// <summary>Why this (bound) socket takes no further peer now, or null when it takes one.</summary>
    string? RefusesPeer();

    /// <summary>The two sockets are not of compatible types: the pending pipe end is dropped.</summary>
    void RefuseInproc(Pipe pipe, string reason);
}

/// <summary>
/// Inproc endpoint names of one context. A connect may come before the bind (libzmq 4.x): its pipe
/// exists at once, so messages queue, and it is linked to the binder when the bind comes.
/// </summary>
internal sealed class InprocRegistry
{
    public const int MaxNameLength = 256;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, IInprocSocket> _bound = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(IInprocSocket Socket, Pipe Pipe)>> _pending = new(StringComparer.Ordinal);

    public static string CheckName(Endpoint ep)
    {
        if (ep.Address.Length > MaxNameLength)
        {
            throw new InvalidEndpointException($"'{ep.Original[..40]}...': inproc names are at most {MaxNameLength} characters");
        }
        return ep.Address;
    }

    /// <summary>Whether a socket is bound to <paramref name="name"/> now.</summary>
    public bool IsBound(string name)
    {
        lock (_lock)
        {
            return _bound.ContainsKey(name);
        }
    }

    public void Bind(string name, string endpoint, IInprocSocket socket)
    {
        List<(IInprocSocket, Pipe)>? waiting;
        lock (_lock)
        {
            if (!_bound.TryAdd(name, socket))
            {
                throw new AddressInUseException($"cannot bind {endpoint}: the name is already bound in this context; use another name or Unbind the first");
            }
            _pending.Remove(name, out waiting);
        }
        foreach (var (connecting, pipe) in waiting ?? [])
        {
            Link(connecting, pipe, socket);
        }
    }

    public void Unbind(string name, IInprocSocket socket)
    {
        lock (_lock)
        {
            if (_bound.TryGetValue(name, out var s) && s == socket)
            {
                _bound.Remove(name);
            }
        }
    }

    /// <summary>Creates the connecting socket's pipe end. Returns the binder to <see cref="Link"/> with
    /// once the caller has added its end, or null: then the bind links it when it comes.</summary>
    public IInprocSocket? Connect(string name, string endpoint, IInprocSocket socket, byte[]? connectRoutingId, out Pipe connecting)
    {
        (connecting, _) = Pipe.CreateInprocPair(endpoint, socket.SendHighWatermark, socket.ReceiveHighWatermark, connectRoutingId);
        IInprocSocket? binder;
        lock (_lock)
        {
            if (!_bound.TryGetValue(name, out binder))
            {
                if (!_pending.TryGetValue(name, out var list))
                {
                    _pending[name] = list = [];
                }
                list.Add((socket, connecting));
            }
        }
        return binder;
    }

    /// <summary>Forgets a pending connect (the connecting socket disconnected or closed first).</summary>
    public void Cancel(string name, Pipe pipe)
    {
        lock (_lock)
        {
            if (_pending.TryGetValue(name, out var list))
            {
                list.RemoveAll(p => p.Pipe == pipe);
            }
        }
    }

    public static void Link(IInprocSocket connecting, Pipe connectingPipe, IInprocSocket binder)
    {
        if (!binder.IsCompatible(connecting.SocketType) || !connecting.IsCompatible(binder.SocketType))
        {
            connecting.RefuseInproc(connectingPipe, $"incompatible socket type: {connecting.SocketType} cannot talk to {binder.SocketType}");
            return;
        }
        if (binder.RefusesPeer() is { } refusal)
        {
            // Both ends hear of it, as over tcp, where the bound side closes the connection.
            binder.Event(new SocketEvent(SocketEventType.HandshakeFailed, connectingPipe.Endpoint) { PeerAddress = connectingPipe.Endpoint, PeerSocketType = connecting.SocketType, Reason = refusal });
            connecting.RefuseInproc(connectingPipe, refusal);
            return;
        }
        var boundPipe = connectingPipe.InprocPending!;
        Pipe.LinkInproc(connectingPipe, connecting, boundPipe, binder, binder.SendHighWatermark, binder.ReceiveHighWatermark);
        connecting.InprocLinked(connectingPipe);
        binder.AttachInproc(boundPipe, connecting.SocketType);
        connecting.AttachInproc(connectingPipe, binder.SocketType);
    }
}
