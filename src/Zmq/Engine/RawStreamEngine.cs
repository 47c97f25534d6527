using System.Buffers;
using System.Net.Sockets;
using Zmq.Diagnostics;
using Zmq.Messages;

namespace Zmq.Engine;

/// <summary>
/// A connection without ZMTP, for STREAM sockets (libzmq's raw engine): no greeting, no framing.
/// Each chunk the kernel hands over is one message; what the socket sends goes out as its bytes
/// alone. A message of zero bytes in total closes the connection once what was queued before it is
/// out. The socket learns of the peer at once (there is no handshake to wait for).
/// <para>Threads: a read loop (the inbound queue's producer) and a write loop (the outbound queue's
/// consumer), as <see cref="ZmtpConnection"/>'s, without its fast paths: STREAM serves peers such
/// as HTTP clients, whose exchanges are small and few.</para>
/// </summary>
internal sealed class RawStreamEngine : SocketEngine, IEngine
{
    private const int ReadSize = 16 * 1024;
    private const int WriteSize = 16 * 1024;

    private readonly IPeerHost _host;
    private bool _writerFinished;
    private long _bytesSent;
    private long _bytesReceived;

    /// <summary>Set by the write loop when the application asked for the close (a zero-byte message).</summary>
    private volatile bool _closedByApplication;


    public RawStreamEngine(Socket socket, IPeerHost host, Pipe? pipe, string endpoint)
        : base(socket, pipe)
    {
        _host = host;
        Endpoint = endpoint;
        PeerAddress = PeerAddresses.Of(socket, endpoint);
    }

    public string Endpoint { get; }

    public string PeerAddress { get; }

    public string? PeerSocketType => null;

    public byte[]? PeerIdentity => null;

    public bool WriterFinished => Volatile.Read(ref _writerFinished);

    public long BytesSent => Volatile.Read(ref _bytesSent);

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    public async Task<ConnectionEnd> RunAsync()
    {
        var pipe = _host.Attach(this, _pipe, "");
        if (pipe == null)
        {
            Volatile.Write(ref _writerFinished, true);
            CloseSocket();
            return ConnectionEnd.Closed;
        }
        _pipe = pipe;
        Log.HandshakeSucceeded(_host.Logger, _host.SocketType, Endpoint, PeerAddress, "raw");
        _host.Event(new SocketEvent(SocketEventType.HandshakeSucceeded, Endpoint) { PeerAddress = PeerAddress });
        var writer = WriteLoopAsync(pipe);
        ConnectionEnd end;
        string? reason = null;
        try
        {
            end = await ReadLoopAsync(pipe).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            reason = e.Message;
            end = _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
        }
        CloseSocket();
        await writer.ConfigureAwait(false);
        if (_closedByApplication)
        {
            // Like a peer's close: the socket hears of it (STREAM's notice), and a connecting side dials again.
            end = ConnectionEnd.Disconnected;
            reason = "closed by a zero-length message";
        }
        Log.Disconnected(_host.Logger, _host.SocketType, Endpoint, PeerAddress, end.ToString());
        _host.Event(new SocketEvent(SocketEventType.Disconnected, Endpoint)
        {
            PeerAddress = PeerAddress,
            RoutingId = pipe.RoutingId,
            Reason = reason ?? (end == ConnectionEnd.Closed ? "closed by this side" : "closed by the peer"),
        });
        _host.Detach(this, pipe, end);
        return end;
    }

    private async Task<ConnectionEnd> ReadLoopAsync(Pipe pipe)
    {
        byte[] rx = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            while (true)
            {
                if (!_closing && pipe.IsInboundFull)
                {
                    if (pipe.PrepareReaderWait())
                    {
                        await pipe.ReaderWake.WaitAsync().ConfigureAwait(false);
                    }
                    if (_stopped)
                    {
                        return _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
                    }
                    continue;
                }
                int n = await _socket.ReceiveAsync(rx, SocketFlags.None, _stoppedToken.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    return _closing ? ConnectionEnd.Closed : ConnectionEnd.Disconnected;
                }
                Volatile.Write(ref _bytesReceived, _bytesReceived + n);
                if (_closing)
                {
                    // As ZMTP's: once closing, nobody will read what still arrives.
                    continue;
                }
                pipe.Inbound.Enqueue(Msg.CopyOf(rx.AsSpan(0, n)));
                _host.InboundReady(pipe);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rx);
        }
    }

    private async Task WriteLoopAsync(Pipe pipe)
    {
        byte[] tx = ArrayPool<byte>.Shared.Rent(WriteSize);
        // Bytes of the message being written so far: a message with none closes the connection.
        long messageBytes = 0;
        try
        {
            while (!_stopped)
            {
                int pos = 0;
                bool wrote = false;
                while (pipe.Outbound.TryDequeue(out var msg))
                {
                    wrote = true;
                    bool more = msg.More;
                    try
                    {
                        int length = msg.Length;
                        messageBytes += length;
                        if (pos + length > tx.Length)
                        {
                            await SendAsync(tx.AsMemory(0, pos)).ConfigureAwait(false);
                            pos = 0;
                        }
                        if (length > tx.Length)
                        {
                            await SendAsync(msg.Span.ToArray()).ConfigureAwait(false);
                        }
                        else
                        {
                            msg.Span.CopyTo(tx.AsSpan(pos));
                            pos += length;
                        }
                    }
                    finally
                    {
                        msg.Release();
                    }
                    if (more)
                    {
                        continue;
                    }
                    if (messageBytes == 0)
                    {
                        await SendAsync(tx.AsMemory(0, pos)).ConfigureAwait(false);
                        _closedByApplication = true;
                        ShutdownAndClose();
                        return;
                    }
                    messageBytes = 0;
                }
                if (pos > 0)
                {
                    await SendAsync(tx.AsMemory(0, pos)).ConfigureAwait(false);
                }
                if (wrote)
                {
                    _host.OutboundProgress(pipe);
                    continue;
                }
                if (_closing)
                {
                    // Everything queued is out: the FIN follows the last byte.
                    ShutdownAndClose();
                    return;
                }
                pipe.BeginWriterSleep(streaming: false);
                if (pipe.Outbound.CanDequeue || _stopped || _closing)
                {
                    pipe.CancelWriterSleep();
                    continue;
                }
                await pipe.WriterWake.WaitAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            CloseSocket();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(tx);
            Volatile.Write(ref _writerFinished, true);
            _drained.TrySetResult();
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            int n = await _socket.SendAsync(data, SocketFlags.None, _stoppedToken.Token).ConfigureAwait(false);
            Volatile.Write(ref _bytesSent, _bytesSent + n);
            data = data[n..];
        }
    }

    private void ShutdownAndClose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        CloseSocket();
    }

    public bool FlushForSender(Pipe pipe) => false;

    public bool TryReadForConsumer(Pipe pipe) => false;
}
