using Zmq.Engine;
using Zmq.Transport;

namespace Zmq;

// inproc:// — sockets of one context exchange message objects through shared pipe queues: no
// connection, no encoding, no copy beyond the sender's own.
public abstract partial class ZmqSocket : IInprocSocket
{
    private readonly Dictionary<string, string> _inprocBinds = new(StringComparer.Ordinal);
    private readonly List<Pipe> _inprocPipes = [];

    /// <summary>The context whose inproc names this socket uses.</summary>
    public ZmqContext Context { get; }

    private void BindInproc(Endpoint ep)
    {
        RefuseRawInproc(ep);
        string name = InprocRegistry.CheckName(ep);
        try
        {
            Context.Inproc.Bind(name, ep.Original, this);
        }
        catch (AddressInUseException e)
        {
            Emit(new SocketEvent(SocketEventType.BindFailed, ep.Original) { Reason = e.Message });
            throw;
        }
        lock (_endpointLock)
        {
            _inprocBinds[ep.Original] = name;
            LastEndpoint = ep.Original;
        }
        Emit(new SocketEvent(SocketEventType.Listening, ep.Original));
    }

    /// <summary>A STREAM's peers are raw byte streams: inproc has none (libzmq refuses it too).</summary>
    private void RefuseRawInproc(Endpoint ep)
    {
        if (_pattern.RawPeers)
        {
            throw new TransportNotSupportedException($"'{ep.Original}': a {SocketType} talks to raw tcp or ipc peers; inproc carries only ZMTP sockets");
        }
    }

    private Pipe ConnectInproc(Endpoint ep)
    {
        string name = InprocRegistry.CheckName(ep);
        RefuseRawInproc(ep);
        ThrowIfOnePeerTaken(ep.Original);
        var binder = Context.Inproc.Connect(name, ep.Original, this, TakeConnectRoutingId(), out var pipe);
        lock (_endpointLock)
        {
            _inprocPipes.Add(pipe);
            _pipes.Add(pipe);
            LastEndpoint = ep.Original;
        }
        // Routed at once: messages queue until the bind comes, as over tcp before the connection.
        OnPipeAdded(pipe);
        if (binder != null)
        {
            InprocRegistry.Link(this, pipe, binder);
        }
        return pipe;
    }

    private bool TryUnbindInproc(string endpoint)
    {
        string? name;
        lock (_endpointLock)
        {
            if (!_inprocBinds.Remove(endpoint, out name))
            {
                return false;
            }
        }
        // Connections made through the name stay, as in libzmq; only new connects stop finding it.
        Context.Inproc.Unbind(name, this);
        Emit(new SocketEvent(SocketEventType.Closed, endpoint));
        return true;
    }

    private bool TryDisconnectInproc(string endpoint)
    {
        List<Pipe> matching;
        lock (_endpointLock)
        {
            matching = _inprocPipes.Where(p => p.IsConnectSide && p.Endpoint == endpoint).ToList();
        }
        foreach (var p in matching)
        {
            CloseInprocPipe(p);
        }
        return matching.Count > 0;
    }

    /// <summary>Ends this socket's side of an inproc pipe and tells the other socket. Messages already
    /// sent stay readable there.</summary>
    private void CloseInprocPipe(Pipe pipe)
    {
        lock (_endpointLock)
        {
            _inprocPipes.Remove(pipe);
        }
        if (pipe.InprocPeer is { } peer)
        {
            ((IInprocSocket)pipe.InprocPeerHost!).DetachInproc(peer);
        }
        else if (pipe.IsConnectSide)
        {
            Context.Inproc.Cancel(pipe.Endpoint["inproc://".Length..], pipe);
        }
        RemovePipe(pipe);
    }

    private void CloseInproc()
    {
        Pipe[] pipes;
        lock (_endpointLock)
        {
            foreach (var name in _inprocBinds.Values)
            {
                Context.Inproc.Unbind(name, this);
            }
            _inprocBinds.Clear();
            pipes = [.. _inprocPipes];
        }
        foreach (var p in pipes)
        {
            CloseInprocPipe(p);
        }
    }

    void IInprocSocket.AttachInproc(Pipe pipe, string peerSocketType)
    {
        if (!pipe.IsConnectSide)
        {
            lock (_endpointLock)
            {
                if (_disposed)
                {
                    return;
                }
                _inprocPipes.Add(pipe);
            }
            AddPipe(pipe);
        }
        Emit(new SocketEvent(SocketEventType.HandshakeSucceeded, pipe.Endpoint) { PeerAddress = pipe.Endpoint, PeerSocketType = peerSocketType, RoutingId = pipe.RoutingId });
        // Messages the other side queued before the link are waiting.
        OnPipeInboundReady(pipe);
        SendGate.Pulse();
    }

    void IInprocSocket.DetachInproc(Pipe pipe)
    {
        lock (_endpointLock)
        {
            if (!_inprocPipes.Remove(pipe))
            {
                return;
            }
        }
        Emit(new SocketEvent(SocketEventType.Disconnected, pipe.Endpoint) { PeerAddress = pipe.Endpoint, RoutingId = pipe.RoutingId, Reason = "the other socket closed or disconnected" });
        RemovePipe(pipe);
    }

    string? IInprocSocket.RefusesPeer() => RefusesPeer();

    void IInprocSocket.InprocLinked(Pipe pipe) => UnderSendLock(pipe, static (pattern, p) => pattern.InprocLinked(p));

    void IInprocSocket.RefuseInproc(Pipe pipe, string reason)
    {
        ZmqMetrics.HandshakeFailed(SocketType, pipe.Endpoint, Protocol.ProtocolException.SocketType);
        Diagnostics.Log.ProtocolError(Logger, SocketType, pipe.Endpoint, pipe.Endpoint, reason);
        Emit(new SocketEvent(SocketEventType.HandshakeFailed, pipe.Endpoint) { Reason = reason });
        lock (_endpointLock)
        {
            _inprocPipes.Remove(pipe);
        }
        RemovePipe(pipe);
    }
}
