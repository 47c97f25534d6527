using Zmq.Engine;
using Zmq.Transport;

namespace Zmq;

// udp:// for the types that speak it: a DISH binds (reads datagrams), a RADIO connects (sends them).
// Each endpoint is one engine on one OS socket, kept with the accepted connections so that Unbind,
// Disconnect and Dispose close it the same way.
public abstract partial class ZmqSocket
{
    private void BindUdp(Endpoint ep)
    {
        CheckUdp(ep, Type is ZmqSocketType.Dish or ZmqSocketType.Dgram, "bind");
        System.Net.Sockets.Socket socket;
        string bound;
        try
        {
            socket = UdpTransport.Listen(ep, Ipv6, out bound);
        }
        catch (Exception e) when (e is ZmqException or InvalidEndpointException)
        {
            Emit(new SocketEvent(SocketEventType.BindFailed, ep.Original) { Reason = e.Message });
            throw;
        }
        var engine = new UdpEngine(socket, this, null, bound, sends: false, raw: Type == ZmqSocketType.Dgram);
        lock (_endpointLock)
        {
            if (_disposed)
            {
                socket.Dispose();
                ThrowIfDisposed();
            }
            Emit(new SocketEvent(SocketEventType.Listening, bound));
            // A DGRAM's engine also sends: closing the endpoint lets it write what is queued first
            // (its replies among them) and close the socket after, which the linger waits for.
            bool sends = Type == ZmqSocketType.Dgram;
            _listeners[bound] = new StreamListener(socket, bound, sends ? engine.BeginClose : engine.Abort, ClosesSocket: !sends);
            _accepted[engine] = RunAcceptedAsync(engine);
            LastEndpoint = bound;
        }
    }

    private Pipe ConnectUdp(Endpoint ep)
    {
        CheckUdp(ep, Type == ZmqSocketType.Radio, "connect");
        var socket = UdpTransport.Dial(ep, Ipv6, MulticastHops);
        var pipe = new Pipe(SendHighWatermark, ReceiveHighWatermark, ep.Original, connectSide: true) { Datagram = true };
        var engine = new UdpEngine(socket, this, pipe, ep.Original, sends: true);
        lock (_endpointLock)
        {
            if (_disposed)
            {
                socket.Dispose();
                ThrowIfDisposed();
            }
            _pipes.Add(pipe);
            LastEndpoint = ep.Original;
        }
        OnPipeAdded(pipe);
        lock (_endpointLock)
        {
            _accepted[engine] = RunAcceptedAsync(engine);
        }
        return pipe;
    }

    /// <summary>A RADIO's udp endpoint: no new messages go there; what is queued is sent, then the
    /// engine closes and its pipe goes.</summary>
    private bool TryDisconnectUdp(string endpoint)
    {
        List<(IEngine Engine, Task Run)> matching;
        Pipe[] pipes;
        lock (_endpointLock)
        {
            matching = [.. _accepted.Where(a => a.Key is UdpEngine { Closing: false } && a.Key.Endpoint == endpoint && !_listeners.ContainsKey(endpoint)).Select(a => (a.Key, a.Value))];
            pipes = [.. _pipes.Where(p => p.Datagram && p.Endpoint == endpoint)];
        }
        if (matching.Count == 0)
        {
            return false;
        }
        foreach (var pipe in pipes)
        {
            OnPipeRemoved(pipe);
        }
        foreach (var (engine, run) in matching)
        {
            engine.BeginClose();
            _ = run.ContinueWith(_ => Array.ForEach(pipes, p => RemovePipe(p)), TaskScheduler.Default);
        }
        return true;
    }

    /// <summary>DGRAM speaks udp only (libzmq's ENOCOMPATPROTO for any other transport).</summary>
    private void RefuseNonUdp(Endpoint ep)
    {
        if (Type == ZmqSocketType.Dgram && ep.Handler is not UdpTransport)
        {
            throw new TransportNotSupportedException($"'{ep.Original}': a DGRAM sends raw udp datagrams: bind a udp:// address");
        }
    }

    private void CheckUdp(Endpoint ep, bool fits, string verb)
    {
        if (!fits)
        {
            throw new TransportNotSupportedException(Type == ZmqSocketType.Dgram
                ? $"'{ep.Original}': a DGRAM binds its own udp address and names the peer in each message's first frame; it does not connect"
                : $"'{ep.Original}': over udp a DISH binds and a RADIO connects (a DGRAM binds); a {SocketType} cannot {verb} there (use tcp, ipc or inproc)");
        }
    }
}
