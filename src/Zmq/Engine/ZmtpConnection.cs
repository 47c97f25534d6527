using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Zmq.Diagnostics;
using Zmq.Engine.Mechanisms;
using Zmq.Messages;
using Zmq.Protocol;

namespace Zmq.Engine;

/// <summary>
/// One ZMTP connection over a stream socket: the handshake of its mechanism, then a read loop that
/// decodes every frame one receive returned into the pipe, and a write loop that encodes everything
/// queued into one buffer per send. A peer's bad bytes end this connection only.
/// </summary>
internal sealed partial class ZmtpConnection : SocketEngine, IEngine
{
    private const int BufferSize = 64 * 1024;

    /// <summary>Bodies at least this big are sent from their own array instead of being copied.</summary>
    private const int LargeMessage = 32 * 1024;

    private readonly IPeerHost _host;
    private readonly FrameDecoder _decoder;
    private readonly Mechanism _mechanism;

    /// <summary>The mechanism's <see cref="Mechanism.LeavesFramesUnchanged"/>, taken when the handshake
    /// is done (false until then). The paths that move frame bytes straight between queue slots and
    /// socket buffers (inline decoding, gather sends, reading or writing on the application's thread)
    /// are taken only when it is true.</summary>
    private bool _framesUnchanged;
    private readonly ConcurrentQueue<byte[]> _control = new();
    private bool _droppingMultipart;
    private readonly bool _acceptsMultipart;

    /// <summary>DISH: each message arrives as a group frame and a body frame (RFC 48).</summary>
    private readonly bool _grouped;
    private bool _expectingBody;
    private readonly bool _readsWhenEmpty;
    private bool _queuedInbound;
    private ArraySegment<byte>[]? _gather;
    private long _lastReceivedTicks = Environment.TickCount64;
    private long _remoteTtlMs;
    private HeartbeatPolicy _heartbeatPolicy;
    private Task? _heartbeat;
    private int _heartbeatStarted;

    /// <summary>How long a drained connection waits for the peer's close before closing itself.</summary>
    private static readonly TimeSpan DrainedCloseTimeout = TimeSpan.FromSeconds(30);

    public ZmtpConnection(Socket socket, IPeerHost host, Pipe? pipe, string endpoint, Mechanism mechanism)
        : base(socket, pipe)
    {
        _host = host;
        _mechanism = mechanism;
        Endpoint = endpoint;
        _decoder = new FrameDecoder(host.MaxMessageSize);
        var traits = Sockets.Core.SocketTypes.Of(host.Type);
        _acceptsMultipart = traits.Multipart;
        _grouped = traits.Grouped && traits.Receives;
        // Receivers read for a read loop that found the pipe full (TryReadForConsumer, called by the
        // fair queue) on every socket type that receives.
        _readsWhenEmpty = traits.Receives;
        // Every call is tried directly first and awaited only when it would block (ZmtpConnection.Io.cs).
        socket.Blocking = false;
        PeerAddress = PeerAddresses.Of(socket, endpoint);
        _mechanism.PeerAddress = PeerAddress;
    }

    /// <summary>The endpoint this connection belongs to (the bound or connected one).</summary>
    public string Endpoint { get; }

    public string PeerAddress { get; }

    public string? PeerSocketType { get; private set; }

    public byte[]? PeerIdentity { get; private set; }

    public MessageProperties? Properties { get; private set; }

    /// <summary>Why the connection ended, where more is known than "closed".</summary>
    public string? EndReason { get; private set; }

    private void HandshakeFailed(string reason, string kind)
    {
        ZmqMetrics.HandshakeFailed(_host.SocketType, Endpoint, kind);
        Log.ProtocolError(_host.Logger, _host.SocketType, Endpoint, PeerAddress, reason);
        EndReason = reason;
        _host.Event(new SocketEvent(SocketEventType.HandshakeFailed, Endpoint) { PeerAddress = PeerAddress, Reason = reason });
        CloseSocket();
    }

    /// <summary>Runs the connection to its end. Never throws.</summary>
    public async Task<ConnectionEnd> RunAsync()
    {
        byte[] rx = ArrayPool<byte>.Shared.Rent(BufferSize);
        int start, end;
        // Zero is no limit, as libzmq's ZMQ_HANDSHAKE_IVL 0.
        var limit = _host.HandshakeInterval;
        using (var handshakeTimeout = new CancellationTokenSource(limit == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : limit))
        {
            try
            {
                (start, end) = await HandshakeAsync(rx, handshakeTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (handshakeTimeout.IsCancellationRequested && !_stopped)
            {
                HandshakeFailed($"handshake not finished within {_host.HandshakeInterval.TotalMilliseconds} ms", "timeout");
                return ConnectionEnd.HandshakeTimeout;
            }
            catch (ProtocolException e)
            {
                HandshakeFailed(e.Message, e.Kind);
                return ConnectionEnd.ProtocolError;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
            {
                if (!_closing)
                {
                    // Not a protocol error (this side re-dials), but the monitor should hear of it.
                    EndReason = e.Message;
                    ZmqMetrics.HandshakeFailed(_host.SocketType, Endpoint, "disconnected");
                    _host.Event(new SocketEvent(SocketEventType.HandshakeFailed, Endpoint) { PeerAddress = PeerAddress, Reason = e.Message });
                }
                CloseSocket();
                return _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
            }
        }

        // Before Attach publishes this connection to sending and receiving threads.
        _framesUnchanged = _mechanism.LeavesFramesUnchanged;
        if (!_framesUnchanged && _mechanism.Overhead >= 0)
        {
            _decoder.SmallBodyScratch = new byte[Msg.InlineCapacity + _mechanism.Overhead];
        }
        var pipe = _host.Attach(this, _pipe, PeerSocketType ?? "");
        if (pipe == null)
        {
            CloseSocket();
            return ConnectionEnd.Closed;
        }
        _pipe = pipe;
        Log.HandshakeSucceeded(_host.Logger, _host.SocketType, Endpoint, PeerAddress, PeerSocketType ?? "?");
        _host.Event(new SocketEvent(SocketEventType.HandshakeSucceeded, Endpoint) { PeerAddress = PeerAddress, PeerSocketType = PeerSocketType, RoutingId = pipe.RoutingId });
        if (_host.HelloMessage is { } hello)
        {
            // Control frames go out before queued messages, so the hello is the peer's first message.
            var frame = new byte[FrameWriter.FrameSize(hello.Length)];
            FrameWriter.WriteFrame(frame, hello, 0);
            _control.Enqueue(frame);
        }

        var writer = WriteLoopAsync(pipe);
        _heartbeatPolicy = _host.Heartbeat;
        if (_heartbeatPolicy.Interval > TimeSpan.Zero)
        {
            StartHeartbeat();
        }
        ConnectionEnd result;
        try
        {
            // The read loop owns the buffer from here (it returns it to the pool while idle): the
            // local reference goes, so that only the loop's field holds it.
            _rx = rx;
            _rxStart = start;
            _rxEnd = end;
            rx = null!;
            var reading = ReadLoopAsync(pipe);
            result = await reading.ConfigureAwait(false);
        }
        catch (ProtocolException e)
        {
            Log.ProtocolError(_host.Logger, _host.SocketType, Endpoint, PeerAddress, e.Message);
            EndReason = e.Message;
            result = ConnectionEnd.ProtocolError;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            EndReason ??= e.Message;
            result = _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
        }
        CloseSocket();
        await writer.ConfigureAwait(false);
        if (_heartbeat != null)
        {
            await _heartbeat.ConfigureAwait(false);
        }
        Log.Disconnected(_host.Logger, _host.SocketType, Endpoint, PeerAddress, result.ToString());
        _host.Event(new SocketEvent(SocketEventType.Disconnected, Endpoint)
        {
            PeerAddress = PeerAddress,
            PeerSocketType = PeerSocketType,
            RoutingId = pipe.RoutingId,
            Reason = EndReason ?? (result == ConnectionEnd.Closed ? "closed by this side" : "closed by the peer"),
        });
        _host.Detach(this, pipe, result);
        return result;
    }

    /// <summary>The read loop's buffer and the undecoded part of it, <c>_rx[_rxStart.._rxEnd)</c>. Fields,
    /// not locals, because a receiving thread may take them over (ZmtpConnection.DirectRead.cs).</summary>
    private byte[] _rx = [];
    private int _rxStart;
    private int _rxEnd;

    private async Task<ConnectionEnd> ReadLoopAsync(Pipe pipe)
    {
        try
        {
            while (true)
            {
                if (_rxStart < _rxEnd || _decoder.RemainingBody >= LargeMessage)
                {
                    bool full = DecodeBatch(pipe);
                    if (_queuedInbound)
                    {
                        _queuedInbound = false;
                        _lendingStalled = false;
                        _host.InboundReady(pipe);
                    }
                    if (full)
                    {
                        if (_host.MakeRoom(pipe))
                        {
                            // Conflate: the stale messages went, the newest are read on.
                            continue;
                        }
                        if (_readsWhenEmpty && !_consumerStalled)
                        {
                            await HandOverReadingAsync(pipe).ConfigureAwait(false);
                        }
                        else
                        {
                            _consumerStalled = false;
                            if (pipe.PrepareReaderWait())
                            {
                                await pipe.ReaderWake.WaitAsync().ConfigureAwait(false);
                            }
                        }
                        if (_stopped)
                        {
                            return _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
                        }
                        continue;
                    }
                }
                if (_decoder.RemainingBody >= LargeMessage)
                {
                    // The rest of a large frame goes straight into its own array: one copy fewer.
                    int got = ReceiveNow(_decoder.BodySpace().Span);
                    if (got < 0)
                    {
                        await ReadableAsync().ConfigureAwait(false);
                        continue;
                    }
                    if (got == 0)
                    {
                        return _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
                    }
                    Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
                    if (_decoder.AdvanceBody(got, out var large))
                    {
                        Deliver(pipe, large);
                        if (_queuedInbound)
                        {
                            _queuedInbound = false;
                            _host.InboundReady(pipe);
                        }
                    }
                    continue;
                }
                if (_rx.Length == 0)
                {
                    _rx = ArrayPool<byte>.Shared.Rent(BufferSize);
                }
                int n = ReceiveNow(NextReadIsHeaderOnly ? _rx.AsSpan(0, FrameFlags.LongHeaderSize) : _rx);
                if (n < 0 && LendsReading(pipe))
                {
                    await LendReadingAsync(pipe).ConfigureAwait(false);
                    if (_stopped)
                    {
                        return _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
                    }
                    continue;
                }
                if (n < 0)
                {
                    // Nothing to read: wait for bytes without holding a receive buffer, so an idle
                    // connection costs a few kilobytes, not 64 KiB.
                    ArrayPool<byte>.Shared.Return(_rx);
                    _rx = [];
                    await ReadableAsync().ConfigureAwait(false);
                    continue;
                }
                if (n == 0)
                {
                    return _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
                }
                Volatile.Write(ref _lastReceivedTicks, Environment.TickCount64);
                _rxStart = 0;
                _rxEnd = n;
            }
        }
        finally
        {
            StopStallTimer();
            if (_rx.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_rx);
                _rx = [];
            }
        }
    }

    /// <summary>After a large frame, the next read goes only as far as the next header: if that
    /// frame is large too, its body is then received straight into its own array, not copied out of
    /// <c>_rx</c>.</summary>
    private bool NextReadIsHeaderOnly => _decoder.IsIdle && _decoder.LastFrameAtLeast(LargeMessage);

    /// <summary>Decodes the frames in <c>_rx</c> until they are used up or the pipe is full (returns true).</summary>
    private bool DecodeBatch(Pipe pipe)
    {
        ReadOnlySpan<byte> input = _rx.AsSpan(_rxStart, _rxEnd - _rxStart);
        _decoder.PooledBodies = _host.PooledReceive;
        try
        {
            while (input.Length > 0)
            {
                if (!_closing && pipe.IsInboundFull)
                {
                    return true;
                }
                // A small message is decoded straight into its queue slot, published only if kept.
                ref var slot = ref pipe.Inbound.NextSlot();
                if (_framesUnchanged && _decoder.TryDecodeSmallInto(ref input, ref slot))
                {
                    if (Keep(slot.More, slot.Length))
                    {
                        pipe.Inbound.Commit(slot.More);
                        _queuedInbound = true;
                    }
                }
                else if (_decoder.TryDecode(ref input, out var frame))
                {
                    Deliver(pipe, frame);
                }
                else
                {
                    return false;
                }
            }
            return !_closing && pipe.IsInboundFull;
        }
        finally
        {
            _rxStart = _rxEnd - input.Length;
        }
    }

    /// <summary>Acts on one received frame: a command, or a message for the pipe.</summary>
    private void Deliver(Pipe pipe, in Frame wire)
    {
        if (!_framesUnchanged)
        {
            DeliverOpened(pipe, _mechanism.Decode(wire));
            return;
        }
        DeliverDecoded(pipe, wire);
    }

    /// <summary>A frame the mechanism opened in its own array. One small enough to have been read into
    /// the decoder's scratch array (FrameDecoder.SmallBodyScratch) holds a payload that fits its queue
    /// slot: it is copied there, so the scratch serves the next frame and no array is made per message.</summary>
    private void DeliverOpened(Pipe pipe, in Frame opened)
    {
        if (!ReferenceEquals(opened.Body, _decoder.SmallBodyScratch))
        {
            DeliverDecoded(pipe, opened);
        }
        else if (!opened.IsCommand)
        {
            DeliverMessage(pipe, Msg.CopyOf(opened.Body.AsSpan(0, opened.Length), opened.More));
        }
        else
        {
            // A command may be kept beyond this call: it gets an array of its own.
            DeliverDecoded(pipe, new Frame(opened.Flags, opened.Body.AsSpan(0, opened.Length).ToArray(), opened.Length, pooled: false));
        }
    }

    private void DeliverDecoded(Pipe pipe, in Frame frame)
    {
        if (frame.IsCommand)
        {
            HandleCommand(pipe, frame.Body);
        }
        else
        {
            DeliverMessage(pipe, Msg.Wrap(frame.Body, frame.Length, frame.More, frame.Pooled));
        }
    }

    private void DeliverMessage(Pipe pipe, Msg msg)
    {
        if (Keep(msg.More, msg.Length))
        {
            pipe.Inbound.Enqueue(msg);
            _queuedInbound = true;
        }
        else
        {
            msg.Release();
        }
    }

    /// <summary>Whether a received message frame goes to the application.</summary>
    private bool Keep(bool more, int length)
    {
        if (!_acceptsMultipart && (_droppingMultipart | more | _grouped))
        {
            return KeepFrameOfSingleFramePattern(more, length);
        }
        // While the socket closes, nobody will read it.
        return !_closing;
    }

    private bool KeepFrameOfSingleFramePattern(bool more, int length)
    {
        if (_grouped)
        {
            // As libzmq's DISH, a message of any other shape is a protocol error, not a drop.
            if (!_expectingBody && (!more || length > Sockets.Core.SocketTypes.MaxGroupLength))
            {
                throw new ProtocolException($"a RADIO message starts with its group: a frame of at most {Sockets.Core.SocketTypes.MaxGroupLength} bytes with MORE set (got {length} bytes, MORE {(more ? "set" : "clear")})");
            }
            if (_expectingBody && more)
            {
                throw new ProtocolException("a RADIO message is a group frame and one body frame: its body has MORE set");
            }
            _expectingBody = !_expectingBody;
            return !_closing;
        }
        // Multipart messages are not part of this pattern; drop every frame of one.
        _droppingMultipart = more;
        return false;
    }

    private void HandleCommand(Pipe pipe, byte[] body)
    {
        if (!Commands.TryParse(body, out string name, out var data, out string? error))
        {
            throw new ProtocolException(error!);
        }
        switch (name)
        {
            case Commands.Ping:
                // A TTL asks us to drop the connection if the peer then goes quiet for that long.
                Volatile.Write(ref _remoteTtlMs, data.Length >= 2 ? ((data[0] << 8) | data[1]) * 100L : 0);
                if (Volatile.Read(ref _remoteTtlMs) > 0)
                {
                    StartHeartbeat();
                }
                _control.Enqueue(Commands.BuildPongFrame(data));
                pipe.WakeWriter();
                break;
            case Commands.Error:
                throw new ProtocolException($"peer sent ERROR \"{Commands.ParseErrorReason(data)}\"");
            case Commands.Ready:
                throw new ProtocolException("peer sent READY twice");
            case Commands.Pong:
                break;
            default:
                // The socket type's own commands (SUBSCRIBE, CANCEL; JOIN, LEAVE): its pattern
                // decides, and ignores those of other patterns.
                _host.Command(pipe, name, data);
                break;
        }
    }
}
