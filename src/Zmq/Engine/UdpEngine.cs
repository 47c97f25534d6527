using System.Net;
using System.Net.Sockets;
using Zmq.Diagnostics;
using Zmq.Messages;

namespace Zmq.Engine;

/// <summary>
/// RADIO and DISH over udp (RFC 48, libzmq's udp engine): no connection, no handshake and no JOIN
/// traffic. Each message is one datagram, the group's length (one byte), the group, then the body;
/// a RADIO's engine sends every message it is given (the DISH filters by its groups), a DISH's
/// engine queues every well-formed datagram it reads. A datagram longer than
/// <see cref="MaxDatagram"/> bytes (libzmq's limit), with no group, or shorter than its group says,
/// is dropped and counted (<see cref="DroppedMalformed"/>, the metrics' <c>malformed</c> drops), never passed on; a message too big for a
/// datagram is dropped on the sending side. The DISH's queue at its high-water mark drops the
/// datagram too, as a full RADIO queue drops a message.
/// </summary>
internal sealed class UdpEngine : SocketEngine, IEngine
{
    /// <summary>libzmq's MAX_UDP_MSG: the largest datagram it sends or reads whole.</summary>
    public const int MaxDatagram = 8192;

    private readonly IPeerHost _host;
    private readonly bool _sends;

    /// <summary>DGRAM: both ways on one socket, each message an address frame and a body frame.</summary>
    private readonly bool _raw;
    private bool _writerFinished;
    private long _bytesSent;
    private long _bytesReceived;
    private long _malformed;

    /// <summary><paramref name="sends"/>: a RADIO's engine (writes datagrams), else a DISH's (reads
    /// them); <paramref name="raw"/>: a DGRAM's, which does both.</summary>
    public UdpEngine(Socket socket, IPeerHost host, Pipe? pipe, string endpoint, bool sends, bool raw = false)
        : base(socket, pipe)
    {
        _host = host;
        _sends = sends || raw;
        _raw = raw;
        Endpoint = endpoint;
        PeerAddress = endpoint;
        // The loops read and write at once while the OS can, and wait asynchronously only when it
        // cannot: a datagram costs one system call, not an asynchronous operation.
        _socket.Blocking = false;
        if (!_sends)
        {
            // Nothing to send: what is queued is never waited for.
            _writerFinished = true;
            _drained.TrySetResult();
        }
    }

    public string Endpoint { get; }

    public string PeerAddress { get; }

    public string? PeerSocketType => null;

    public byte[]? PeerIdentity => null;

    public bool WriterFinished => Volatile.Read(ref _writerFinished);

    public long BytesSent => Volatile.Read(ref _bytesSent);

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Closing or closed (any thread).</summary>
    public bool Closing => _closing;

    /// <summary>Datagrams dropped as malformed or oversized, read or sent (any thread).</summary>
    public long DroppedMalformed => Volatile.Read(ref _malformed);

    public async Task<ConnectionEnd> RunAsync()
    {
        var pipe = _host.Attach(this, _pipe, _raw ? "DGRAM" : _sends ? "DISH" : "RADIO");
        if (pipe == null)
        {
            Volatile.Write(ref _writerFinished, true);
            CloseSocket();
            return ConnectionEnd.Closed;
        }
        _pipe = pipe;
        _host.Event(new SocketEvent(SocketEventType.HandshakeSucceeded, Endpoint) { PeerAddress = PeerAddress });
        string? reason = null;
        try
        {
            if (_raw)
            {
                var writer = WriteRawLoopAsync(pipe);
                try
                {
                    await ReadRawLoopAsync(pipe).ConfigureAwait(false);
                }
                finally
                {
                    // Closing gracefully, the reader may end before the writer has even woken for
                    // what a sender queued just before: the socket stays open until the writer has
                    // sent it (a linger that runs out aborts, which stops the writer too).
                    if (_closing && !_stopped)
                    {
                        await writer.ConfigureAwait(false);
                    }
                    CloseSocket();
                    await writer.ConfigureAwait(false);
                }
            }
            else
            {
                await (_sends ? WriteLoopAsync(pipe) : ReadLoopAsync(pipe)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            reason = e.Message;
        }
        CloseSocket();
        var end = _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
        Log.Disconnected(_host.Logger, _host.SocketType, Endpoint, PeerAddress, end.ToString());
        _host.Event(new SocketEvent(SocketEventType.Disconnected, Endpoint) { PeerAddress = PeerAddress, Reason = reason ?? "closed by this side" });
        _host.Detach(this, pipe, end);
        return end;
    }

    /// <summary>Datagrams queued before the receiving side is told; what the OS has queued is read
    /// at once, so a fast RADIO costs its DISH one wake-up per batch, not one per message.</summary>
    private const int ReadBatch = 64;

    private async Task ReadLoopAsync(Pipe pipe)
    {
        // One more than the limit, so that a longer datagram shows as one.
        var rx = new byte[MaxDatagram + 1];
        int batch = 0;
        while (!_stopped && !_closing)
        {
            int n;
            try
            {
                n = _socket.Receive(rx, 0, rx.Length, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    if (batch > 0)
                    {
                        _host.InboundReady(pipe);
                        batch = 0;
                    }
                    n = await _socket.ReceiveAsync(rx, SocketFlags.None, _stoppedToken.Token).ConfigureAwait(false);
                }
                else if (error != SocketError.Success)
                {
                    throw new SocketException((int)error);
                }
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset)
            {
                // Too long for the buffer (where the OS says so rather than cutting it), or an ICMP
                // error for an earlier datagram: neither ends the endpoint.
                CountMalformed(e.Message);
                continue;
            }
            Volatile.Write(ref _bytesReceived, _bytesReceived + n);
            if (n > MaxDatagram || n < 1 || rx[0] == 0 || 1 + rx[0] > n)
            {
                CountMalformed(n > MaxDatagram ? "longer than 8192 bytes" : "no group, or shorter than its group");
                continue;
            }
            if (pipe.IsInboundFull)
            {
                pipe.Inbound.CountRefused();
                if (batch > 0)
                {
                    _host.InboundReady(pipe);
                    batch = 0;
                }
                continue;
            }
            int groupLength = rx[0];
            pipe.Inbound.Enqueue(Msg.CopyOf(rx.AsSpan(1, groupLength), more: true));
            pipe.Inbound.Enqueue(Msg.CopyOf(rx.AsSpan(1 + groupLength, n - 1 - groupLength)));
            if (++batch == ReadBatch)
            {
                _host.InboundReady(pipe);
                batch = 0;
            }
        }
    }

    private async Task WriteLoopAsync(Pipe pipe)
    {
        var tx = new byte[MaxDatagram];
        try
        {
            while (!_stopped)
            {
                bool wrote = false;
                while (pipe.Outbound.TryDequeue(out var group))
                {
                    wrote = true;
                    // A RADIO queues each message as its group, then its body.
                    pipe.Outbound.TryDequeue(out var body);
                    int length = 1 + group.Length + body.Length;
                    if (length <= MaxDatagram && group.Length is > 0 and <= byte.MaxValue)
                    {
                        tx[0] = (byte)group.Length;
                        group.Span.CopyTo(tx.AsSpan(1));
                        body.Span.CopyTo(tx.AsSpan(1 + group.Length));
                        try
                        {
                            int sent = await SendAsync(tx.AsMemory(0, length)).ConfigureAwait(false);
                            Volatile.Write(ref _bytesSent, _bytesSent + sent);
                        }
                        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable)
                        {
                            // Nobody listened for an earlier datagram (an ICMP error reported on
                            // this one): udp promises nothing, so the RADIO sends on, as libzmq's.
                        }
                    }
                    else
                    {
                        CountMalformed($"a message of {length} bytes does not fit a datagram of at most 8192");
                    }
                    group.Release();
                    body.Release();
                }
                if (wrote)
                {
                    _host.OutboundProgress(pipe);
                    continue;
                }
                if (!await WaitForWorkAsync(pipe).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        finally
        {
            Volatile.Write(ref _writerFinished, true);
            _drained.TrySetResult();
        }
    }

    /// <summary>Sends one datagram: at once when the OS has room, else when it has.</summary>
    private async ValueTask<int> SendAsync(ReadOnlyMemory<byte> datagram)
    {
        int n = _socket.Send(datagram.Span, SocketFlags.None, out var error);
        if (error == SocketError.Success)
        {
            return n;
        }
        if (error != SocketError.WouldBlock)
        {
            throw new SocketException((int)error);
        }
        return await _socket.SendAsync(datagram, SocketFlags.None, _stoppedToken.Token).ConfigureAwait(false);
    }

    /// <summary>DGRAM: each datagram read becomes the sender's address ("ip:port") and the bytes.</summary>
    private async Task ReadRawLoopAsync(Pipe pipe)
    {
        var rx = new byte[MaxDatagram + 1];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!_stopped && !_closing)
        {
            SocketReceiveFromResult got;
            try
            {
                got = await _socket.ReceiveFromAsync(rx, SocketFlags.None, any, _stoppedToken.Token).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset or SocketError.ConnectionRefused)
            {
                CountMalformed(e.Message);
                continue;
            }
            int n = got.ReceivedBytes;
            Volatile.Write(ref _bytesReceived, _bytesReceived + n);
            if (n > MaxDatagram)
            {
                CountMalformed("longer than 8192 bytes");
                continue;
            }
            if (pipe.IsInboundFull)
            {
                pipe.Inbound.CountRefused();
                continue;
            }
            var from = (IPEndPoint)got.RemoteEndPoint;
            string address = from.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{from.Address}]:{from.Port}" : $"{from.Address}:{from.Port}";
            pipe.Inbound.Enqueue(Msg.CopyOf(System.Text.Encoding.ASCII.GetBytes(address), more: true));
            pipe.Inbound.Enqueue(Msg.CopyOf(rx.AsSpan(0, n)));
            _host.InboundReady(pipe);
        }
    }

    /// <summary>DGRAM: each message is an address ("ip:port") and a body, sent as one datagram there.</summary>
    private async Task WriteRawLoopAsync(Pipe pipe)
    {
        try
        {
            while (!_stopped)
            {
                bool wrote = false;
                while (pipe.Outbound.TryDequeue(out var address))
                {
                    wrote = true;
                    var body = default(Msg);
                    bool whole = address.More && pipe.Outbound.TryDequeue(out body) && !body.More;
                    var to = whole ? ParseAddress(address.Span) : null;
                    if (to != null)
                    {
                        try
                        {
                            int sent = await _socket.SendToAsync(body.Buffer is { } b ? b.AsMemory(0, body.Length) : body.Span.ToArray(), SocketFlags.None, to, _stoppedToken.Token).ConfigureAwait(false);
                            Volatile.Write(ref _bytesSent, _bytesSent + sent);
                        }
                        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.MessageSize)
                        {
                            // udp promises nothing: the next message goes on.
                        }
                    }
                    else
                    {
                        CountMalformed("a DGRAM message is an address (ip:port) and a body");
                    }
                    address.Release();
                    body.Release();
                    // A longer message than two frames: the rest of it goes too.
                    while (body.More && pipe.Outbound.TryDequeue(out var rest))
                    {
                        body = rest;
                        rest.Release();
                    }
                }
                if (wrote)
                {
                    _host.OutboundProgress(pipe);
                    continue;
                }
                if (!await WaitForWorkAsync(pipe).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The socket closed: the read loop ends the engine.
        }
        finally
        {
            Volatile.Write(ref _writerFinished, true);
            _drained.TrySetResult();
        }
    }

    /// <summary>"ip:port"; a trailing NUL (libzmq's addresses are C strings) is allowed.</summary>
    private static IPEndPoint? ParseAddress(ReadOnlySpan<byte> text)
    {
        string s = System.Text.Encoding.ASCII.GetString(text).TrimEnd('\0');
        return IPEndPoint.TryParse(s, out var ep) && ep.Port != 0 ? ep : null;
    }

    /// <summary>A write loop with nothing queued: sleeps until a sender writes or the engine stops
    /// (the sleep protocol of ZmtpConnection's write loop). False when the loop is done.</summary>
    private async ValueTask<bool> WaitForWorkAsync(Pipe pipe)
    {
        if (_closing)
        {
            // What a sender queued just before closing still goes (the linger waits for the loop):
            // the loop ends only once nothing is left.
            return pipe.Outbound.CanDequeue;
        }
        pipe.BeginWriterSleep(streaming: false);
        if (pipe.Outbound.CanDequeue || _stopped || _closing)
        {
            pipe.CancelWriterSleep();
            return true;
        }
        await pipe.WriterWake.WaitAsync().ConfigureAwait(false);
        return true;
    }

    private void CountMalformed(string why)
    {
        // Logged once per engine: a hostile or broken sender must not flood the log.
        if (Interlocked.Increment(ref _malformed) == 1)
        {
            Log.ProtocolError(_host.Logger, _host.SocketType, Endpoint, PeerAddress, $"udp datagram dropped ({why}); later ones are only counted");
        }
    }

    public override void BeginClose()
    {
        _closing = true;
        Interlocked.MemoryBarrier();
        if (_raw)
        {
            // The reader waits on the socket: it closes once the writer has sent what was queued.
            _pipe?.WakeLoops();
            _ = _drained.Task.ContinueWith(_ => CloseSocket(), TaskScheduler.Default);
        }
        else if (_sends)
        {
            _pipe?.WakeLoops();
        }
        else
        {
            CloseSocket();
        }
    }

    public bool FlushForSender(Pipe pipe) => false;

    public bool TryReadForConsumer(Pipe pipe) => false;
}
