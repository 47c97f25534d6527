using Microsoft.Extensions.Logging;
using Zmq.Engine;
using Zmq.Messages;
using Zmq.Sockets;
using Zmq.Sockets.Core;
using Zmq.Transport;

namespace Zmq;

/// <summary>
/// What every ØMQ socket shares: options, endpoints (many binds and connects), the connections and
/// their pipes, and closing with linger. A socket type adds its peer list and its send and receive
/// rules on top.
/// <para>Threads: on every socket type, whole-message sends and receives are safe from many threads
/// at once, and so are Bind, Connect, Unbind, Disconnect, Monitor, the readiness members and Dispose.
/// A multipart message sent or received frame by frame (<c>more</c>, <see cref="Message.More"/>)
/// belongs to one thread until its last frame, with no other send (or receive) on the socket in
/// between.</para>
/// <para>Options: the setters take no lock. Set options before Bind and Connect, before the socket is
/// shared; a value changed while another thread binds, connects, sends or receives may or may not be
/// seen by that call. Each option says when it is read, and so when a change still counts.</para>
/// <para>After Dispose, the members throw <see cref="ObjectDisposedException"/>, except the
/// properties, <see cref="CanSend"/> and <see cref="CanReceive"/> (false),
/// <see cref="WaitToSendAsync(CancellationToken)"/> and
/// <see cref="WaitToReceiveAsync(CancellationToken)"/> (they complete with false) and Dispose itself.</para>
/// </summary>
public abstract partial class ZmqSocket : IDisposable, IAsyncDisposable, IPeerHost, IZmqSocket
{
    private readonly Lock _endpointLock = new();
    private readonly Dictionary<string, StreamListener> _listeners = new(StringComparer.Ordinal);
    private readonly List<Connector> _connectors = [];
    private readonly Dictionary<IEngine, Task> _accepted = [];
    private readonly HashSet<Pipe> _pipes = [];
    private volatile bool _disposed;
    private volatile bool _aborting;

    private protected WaitGate SendGate { get; } = new();

    private protected WaitGate ReceiveGate { get; } = new();

    /// <summary>The socket type's rules (Sockets/Core/Pattern.cs).</summary>
    private readonly Pattern _pattern;
    private readonly SocketTypeTraits _traits;

    /// <summary>The pattern's fixed answers, read once: the per-message paths make no virtual call for them.</summary>
    private readonly bool _takesInbound;
    private readonly bool _sendsByRoutingId;
    private readonly bool _fansOut;
    private readonly bool _grouped;

    /// <summary>Each received message starts with the peer's identity (ROUTER).</summary>
    private readonly bool _identityFrames;

    /// <summary>Sends and receives alternate (REQ, REP).</summary>
    private readonly bool _takesTurns;

    /// <summary>The pattern takes each received message's envelope (REQ, REP).</summary>
    private readonly bool _envelopes;

    /// <summary>The pattern's filter of whole messages, or null where it takes every message.</summary>
    private readonly Func<ReadOnlySpan<byte>, bool>? _accepts;

    private protected ZmqSocket(ZmqContext? context, Pattern pattern)
    {
        Context = context ?? ZmqContext.Default;
        _pattern = pattern;
        pattern.Owner = this;
        pattern.Incoming.Consumers.Set(ReceiveLock);
        Type = pattern.Type;
        _traits = SocketTypes.Of(Type);
        _accepts = pattern.Filters ? pattern.Accepts : null;
        _takesInbound = pattern.TakesInbound;
        _sendsByRoutingId = pattern.SendsByRoutingId;
        _fansOut = pattern.FansOut;
        _grouped = _traits.Grouped;
        _identityFrames = pattern.AddsIdentityFrame;
        _takesTurns = pattern.TakesTurns;
        _envelopes = pattern.TakesEnvelopes;
        ZmqMetrics.Register(this);
    }

    /// <summary>The socket type's rules.</summary>
    private protected Pattern Pattern => _pattern;

    /// <summary>The socket type.</summary>
    public ZmqSocketType Type { get; }

    /// <summary>The socket type's name as ZMTP sends it, e.g. "CLIENT".</summary>
    public string SocketType => _traits.Name;

    /// <summary>Whether any number of threads may use the socket at once for everything, including
    /// frame-by-frame sends and receives (libzmq ZMQ_THREAD_SAFE: CLIENT, SERVER and the other
    /// single-frame types). On every type, whole-message calls are safe from many threads at once.</summary>
    public bool IsThreadSafe => _traits.ThreadSafe;

    /// <summary>The endpoint of the last Bind or Connect, with a wildcard port or ipc path resolved
    /// (e.g. <c>tcp://127.0.0.1:41234</c>); pass it to Connect or Unbind. Null before the first.
    /// With several threads binding at once, which one's endpoint it shows is not defined.</summary>
    public string? LastEndpoint { get; private set; }

    internal bool IsDisposed => _disposed;

    ZmqSocket IZmqSocket.Socket => this;

    /// <summary>Accepts connections on an endpoint: <c>tcp://127.0.0.1:5555</c>, <c>tcp://*:5555</c>,
    /// <c>tcp://[::1]:*</c> (port * or 0 picks a free port; read it from <see cref="LastEndpoint"/>),
    /// <c>tcp://eth0:5555</c> (an interface), <c>ipc:///tmp/feed.sock</c> (an existing file is taken
    /// over, as in libzmq), <c>ipc://*</c> (a new temporary path), <c>ipc://@name</c> (Linux abstract
    /// namespace), or <c>inproc://name</c> (reached by sockets of the same <see cref="Context"/>).
    /// <para>The endpoint's <see cref="Ipv6"/>, <see cref="Backlog"/>, buffer sizes, keepalive and
    /// <see cref="TypeOfService"/> are read now; the high-water marks as each peer's queue is made.</para></summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is null.</exception>
    /// <exception cref="InvalidEndpointException">The endpoint is malformed (no <c>transport://</c>,
    /// no port, a source address, an ipc path or inproc name too long), or its host is neither an
    /// address, an interface nor a name that resolves.</exception>
    /// <exception cref="TransportNotSupportedException">The transport is not tcp, ipc or inproc.</exception>
    /// <exception cref="AddressInUseException">Something is already bound there (an inproc name: in
    /// this context).</exception>
    /// <exception cref="ZmqException">The OS refused the bind for another reason, with
    /// <see cref="ZmqException.Error"/> <see cref="ZmqError.AddressNotAvailable"/> (an address not on
    /// this machine, a port that needs privileges).</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Bind(string endpoint)
    {
        ThrowIfDisposed();
        var ep = Endpoint.Parse(endpoint);
        RefuseNonUdp(ep);
        CheckSecurity();
        switch (ep.Handler)
        {
            case InprocTransport:
                BindInproc(ep);
                break;
            case IStreamTransport stream:
                BindStream(ep, stream);
                break;
            case UdpTransport:
                BindUdp(ep);
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"no Bind for transport {ep.Transport}");
        }
    }

    private void BindStream(Endpoint ep, IStreamTransport transport)
    {
        var settings = TransportSettings;
        StreamListener listener;
        try
        {
            listener = transport.Listen(ep, settings);
        }
        catch (Exception e) when (e is ZmqException or InvalidEndpointException)
        {
            Emit(new SocketEvent(SocketEventType.BindFailed, ep.Original) { Reason = e.Message });
            throw;
        }
        string last = listener.Endpoint;
        lock (_endpointLock)
        {
            // A Dispose that ran meanwhile closed the listeners it found: this one would be left open.
            if (_disposed)
            {
                listener.Close();
                ThrowIfDisposed();
            }
            Emit(new SocketEvent(SocketEventType.Listening, last));
            _listeners[last] = listener;
            _ = AcceptLoopAsync(transport, listener.Socket, last, settings.Options);
            LastEndpoint = last;
        }
    }

    /// <summary>Connects to an endpoint: <c>tcp://host:5555</c> (a name is resolved again at each
    /// dial), <c>tcp://10.0.0.2:0;10.0.0.1:5555</c> (from a source address), <c>ipc:///tmp/feed.sock</c>,
    /// <c>ipc://@name</c>, or <c>inproc://name</c> (which may come before its Bind). Returns at once:
    /// the connection is made (and remade after a loss) in the background, and messages sent meanwhile
    /// wait in this endpoint's queue (unless <see cref="Immediate"/>). A peer that cannot be reached,
    /// or is of an incompatible type, is not thrown: <see cref="Monitor"/> reports it.
    /// <para>The endpoint's high-water marks, reconnect timing, <see cref="ConnectTimeout"/>,
    /// <see cref="Immediate"/>, <see cref="Ipv6"/>, buffer sizes, keepalive and
    /// <see cref="TypeOfService"/> are read now and kept across reconnects.</para></summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is null.</exception>
    /// <exception cref="InvalidEndpointException">The endpoint is malformed: no <c>transport://</c>, a
    /// tcp host of <c>*</c> or a port of 0 or <c>*</c>, <c>ipc://*</c> (bind only), an ipc path or
    /// inproc name too long.</exception>
    /// <exception cref="TransportNotSupportedException">The transport is not tcp, ipc or inproc.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Connect(string endpoint) => ConnectCore(endpoint);

    /// <summary><see cref="Connect"/>, returning the pipe made for the endpoint.</summary>
    private protected Pipe ConnectCore(string endpoint)
    {
        ThrowIfDisposed();
        var ep = Endpoint.Parse(endpoint);
        RefuseNonUdp(ep);
        CheckSecurity();
        return ep.Handler switch
        {
            InprocTransport => ConnectInproc(ep),
            IStreamTransport stream => ConnectStream(ep, stream),
            UdpTransport => ConnectUdp(ep),
            _ => throw new System.Diagnostics.UnreachableException($"no Connect for transport {ep.Transport}"),
        };
    }

    private Pipe ConnectStream(Endpoint ep, IStreamTransport transport)
    {
        transport.ValidateConnect(ep);
        ThrowIfOnePeerTaken(ep.Original);
        var settings = TransportSettings;
        string endpoint = ep.Original;
        var pipe = new Pipe(SendHighWatermark, ReceiveHighWatermark, endpoint, connectSide: true)
        {
            // A raw peer has no queue to wait in before it exists: it is addressed by the id its connection gets.
            RoutedOnlyWhenConnected = Immediate || _pattern.RawPeers,
            ConnectRoutingId = TakeConnectRoutingId(),
        };
        var connector = new Connector(this, endpoint, pipe, new ReconnectPolicy(ReconnectInterval, ReconnectIntervalMax, settings.ConnectTimeout), ct => transport.ConnectAsync(ep, settings, ct), socket => CreateEngine(socket, pipe, endpoint));
        lock (_endpointLock)
        {
            // A Dispose that ran meanwhile stopped the connectors it found: this one would dial for ever.
            ThrowIfDisposed();
            _connectors.Add(connector);
            _pipes.Add(pipe);
            LastEndpoint = endpoint;
        }
        if (!pipe.RoutedOnlyWhenConnected)
        {
            OnPipeAdded(pipe);
        }
        connector.Start();
        return pipe;
    }

    /// <summary>What transports read, fixed at each Bind or Connect.</summary>
    private TransportSettings TransportSettings => new(Ipv6, Backlog, ConnectTimeout, StreamOptions);

    /// <summary>Stops accepting on a bound endpoint (use the string <see cref="LastEndpoint"/> gave:
    /// for tcp, with the port resolved) and closes the connections accepted there once they have
    /// sent what is queued for them. For inproc, the name is released; pairs already made stay, as in
    /// libzmq.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is null.</exception>
    /// <exception cref="InvalidEndpointException">The endpoint is not bound on this socket.</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Unbind(string endpoint)
    {
        ThrowIfDisposed();
        if (TryUnbindInproc(endpoint))
        {
            return;
        }
        StreamListener? listener;
        List<IEngine> closing;
        lock (_endpointLock)
        {
            if (!_listeners.Remove(endpoint, out listener))
            {
                throw new InvalidEndpointException($"'{endpoint}' is not bound on this socket; unbind the exact string LastEndpoint returned after Bind");
            }
            closing = _accepted.Keys.Where(c => c.Endpoint == endpoint).ToList();
        }
        listener.Close();
        Emit(new SocketEvent(SocketEventType.Closed, endpoint));
        foreach (var c in closing)
        {
            c.BeginClose();
        }
    }

    /// <summary>Stops connecting to an endpoint (the string given to Connect); its connection sends
    /// what is queued, then closes. For inproc, the pair is closed at once; what was already sent stays
    /// readable by the other socket.</summary>
    /// <exception cref="InvalidEndpointException">The endpoint is not connected on this socket (null
    /// included).</exception>
    /// <exception cref="ObjectDisposedException">The socket is disposed.</exception>
    public void Disconnect(string endpoint)
    {
        ThrowIfDisposed();
        if (TryDisconnectInproc(endpoint) || TryDisconnectUdp(endpoint))
        {
            return;
        }
        List<Connector> matching;
        lock (_endpointLock)
        {
            matching = _connectors.Where(c => c.Endpoint == endpoint).ToList();
            if (matching.Count == 0)
            {
                throw new InvalidEndpointException($"'{endpoint}' is not connected on this socket; pass the string given to Connect");
            }
            _connectors.RemoveAll(matching.Contains);
        }
        foreach (var c in matching)
        {
            // No new messages go to this endpoint; what is queued drains, then the pipe goes.
            OnPipeRemoved(c.Pipe);
            c.BeginClose();
            _ = c.Completion.ContinueWith(_ => RemovePipe(c.Pipe), TaskScheduler.Default);
        }
    }

    private async Task AcceptLoopAsync(IStreamTransport transport, System.Net.Sockets.Socket listener, string endpoint, StreamOptions options)
    {
        await Task.Yield();
        while (true)
        {
            System.Net.Sockets.Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode is System.Net.Sockets.SocketError.OperationAborted or System.Net.Sockets.SocketError.Interrupted)
            {
                return;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                Diagnostics.Log.AcceptFailed(Logger, SocketType, endpoint, e.Message);
                continue;
            }
            transport.PrepareAccepted(socket, options);
            var connection = CreateEngine(socket, null, endpoint);
            Emit(new SocketEvent(SocketEventType.Accepted, endpoint) { PeerAddress = connection.PeerAddress });
            lock (_endpointLock)
            {
                if (_disposed)
                {
                    socket.Dispose();
                    continue;
                }
                _accepted[connection] = RunAcceptedAsync(connection);
            }
        }
    }

    private async Task RunAcceptedAsync(IEngine connection)
    {
        await Task.Yield();
        await connection.RunAsync().ConfigureAwait(false);
        lock (_endpointLock)
        {
            _accepted.Remove(connection);
        }
    }

    /// <summary>What serves a new stream connection, accepted (no pipe yet) or dialled: ZMTP, with
    /// the mechanism the options choose (Options/ZmqSocket.Security.cs); for STREAM, the raw engine.</summary>
    private IEngine CreateEngine(System.Net.Sockets.Socket socket, Pipe? pipe, string endpoint) => _pattern.RawPeers
        ? new RawStreamEngine(socket, this, pipe, endpoint)
        : new ZmtpConnection(socket, this, pipe, endpoint, NewMechanism());

    /// <summary>The types whose READY carries an Identity property, as libzmq's (REQ, DEALER, ROUTER).</summary>
    private bool AnnouncesIdentity => Type is ZmqSocketType.Req or ZmqSocketType.Dealer or ZmqSocketType.Router;

    /// <summary>Makes the mechanism of each new connection in place of the options' choice. Only tests
    /// set it (to run the path of a mechanism that transforms frames).</summary>
    internal Func<Engine.Mechanisms.Mechanism>? MechanismFactory { get; set; }

    private void AddPipe(Pipe pipe)
    {
        pipe.SenderWritesWhenIdle = _takesTurns;
        pipe.SenderWritesAnswers = !_takesTurns && _traits.Sends && _traits.Receives;
        lock (_endpointLock)
        {
            _pipes.Add(pipe);
        }
        OnPipeAdded(pipe);
    }

    /// <summary>Takes a pipe out of the socket; returns how many queued outbound messages went with it.</summary>
    private long RemovePipe(Pipe pipe)
    {
        pipe.Terminated = true;
        lock (_endpointLock)
        {
            if (_pipes.Remove(pipe))
            {
                RetireCounts(pipe);
            }
        }
        OnPipeRemoved(pipe);
        // An inproc outbound queue is the other socket's inbound: what is in it stays readable there.
        long dropped = pipe.IsInproc ? 0 : pipe.DrainOutbound();
        OnPipeInboundReady(pipe);
        return dropped;
    }

    internal static byte[] Utf8(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return System.Text.Encoding.UTF8.GetBytes(text);
    }

    private protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Closes the socket. Messages queued for tcp and ipc peers are delivered first, for up
    /// to <see cref="Linger"/> (by default until sent, or until none has moved for
    /// <see cref="LingerStallTimeout"/>, 30 s); then every connection is closed. Dispose blocks its
    /// thread meanwhile: from async code prefer DisposeAsync.
    /// <para>Safe to call more than once and from any thread: a later call returns at once, even while
    /// the first still lingers. Sends and receives waiting on other threads end with
    /// <see cref="ObjectDisposedException"/>, <see cref="WaitToSendAsync(CancellationToken)"/> and
    /// <see cref="WaitToReceiveAsync(CancellationToken)"/> with false, and the monitor readers complete.</para></summary>
    public void Dispose()
    {
        DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        Connector[] connectors;
        IEngine[] accepted;
        lock (_endpointLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var l in _listeners.Values)
            {
                l.Close();
                Emit(new SocketEvent(SocketEventType.Closed, l.Endpoint));
            }
            _listeners.Clear();
            connectors = [.. _connectors];
            accepted = [.. _accepted.Keys];
        }
        // Waiters read _disposed after registering; this fence orders its store (made under a lock
        // whose release need not be a full fence) before the waiter counts PulseAll reads.
        Interlocked.MemoryBarrier();
        SendGate.PulseAll();
        ReceiveGate.PulseAll();
        CloseInproc();

        var linger = Linger;
        if (linger != TimeSpan.Zero)
        {
            foreach (var c in connectors)
            {
                c.BeginClose();
            }
            foreach (var c in accepted)
            {
                c.BeginClose();
            }
            Task[] drained = [.. connectors.Select(c => c.Drained), .. accepted.Select(c => c.Drained)];
            await WaitForLingerAsync(Task.WhenAll(drained), linger).ConfigureAwait(false);
        }
        // Connections that drained finish on their own when the peer closes; the rest end now.
        _aborting = true;
        foreach (var c in connectors)
        {
            c.Abort();
        }
        var ending = new List<Task>(connectors.Select(c => c.Completion));
        lock (_endpointLock)
        {
            foreach (var (c, task) in _accepted)
            {
                if (!c.Drained.IsCompleted)
                {
                    c.Abort();
                    ending.Add(task);
                }
            }
        }
        // Aborted loops end within moments; wait for them so no write loop still reads a pipe below.
        try
        {
            await Task.WhenAll(ending).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
        Pipe[] pipes;
        lock (_endpointLock)
        {
            pipes = [.. _pipes];
            _pipes.Clear();
        }
        foreach (var p in pipes)
        {
            // Read once: a drained connection may end, and be detached, at any moment.
            var connection = p.Connection;
            long dropped = p.IsInproc ? 0 : connection == null || connection.Drained.IsCompleted ? p.DrainOutbound() : 0;
            if (dropped > 0)
            {
                Diagnostics.Log.DroppedOnClose(Logger, SocketType, p.Endpoint, dropped, linger == TimeSpan.Zero ? "Linger is zero" : "the peer was not reachable within Linger");
            }
        }
        lock (_endpointLock)
        {
            foreach (var p in pipes)
            {
                RetireCounts(p);
            }
        }
        ZmqMetrics.Retire(this);
        CompleteMonitors();
        GC.SuppressFinalize(this);
    }

    /// <summary>Waits for the connections to finish sending, up to the linger time. An infinite linger
    /// still ends when no queued message has moved for <see cref="LingerStallTimeout"/>, so that a
    /// peer which stopped reading cannot hang Dispose forever.</summary>
    private async Task WaitForLingerAsync(Task all, TimeSpan linger)
    {
        // A linger too long to add to now (TimeSpan.MaxValue, say) is as good as infinite.
        var deadline = linger < TimeSpan.Zero || linger >= DateTime.MaxValue - DateTime.UtcNow ? DateTime.MaxValue : DateTime.UtcNow + linger;
        long lastQueued = -1;
        var lastProgress = DateTime.UtcNow;
        while (!all.IsCompleted)
        {
            var now = DateTime.UtcNow;
            if (now >= deadline)
            {
                return;
            }
            var slice = TimeSpan.FromMilliseconds(Math.Min(200, (deadline - now).TotalMilliseconds));
            try
            {
                await all.WaitAsync(slice).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            long queued = 0;
            lock (_endpointLock)
            {
                foreach (var p in _pipes)
                {
                    queued += p.Outbound.Count;
                }
            }
            if (queued != lastQueued)
            {
                lastQueued = queued;
                lastProgress = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - lastProgress > LingerStallTimeout)
            {
                return;
            }
        }
    }

}
