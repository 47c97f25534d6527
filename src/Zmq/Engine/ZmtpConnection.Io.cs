using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Zmq.Engine;

// Socket calls. The socket is non-blocking: each call is first made directly, and only when the
// kernel has no room (or no bytes) does the loop await readiness. A batch that goes out at once
// thus costs one syscall and no async machinery, and no buffer is left referenced by the socket's
// cached async state between batches, so idle connections hold none.
internal sealed partial class ZmtpConnection
{
    // Each written by one thread at a time (the write token's holder, the read loop or the receiver
    // reading for it), read by the metrics from any thread.
    private long _bytesSent;
    private long _bytesReceived;

    public long BytesSent => Volatile.Read(ref _bytesSent);

    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Sends all of <c>buffer[0..count)</c>. (Pooled: with the kernel's buffer full, as it often
    /// is under large messages, each call suspends, and a plain async ValueTask would allocate its box.)</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAllAsync(byte[] buffer, int count, CancellationToken ct)
    {
        int sent = SendNow(buffer.AsSpan(0, count));
        while (sent < count)
        {
            int n = await _socket.SendAsync(buffer.AsMemory(sent, count - sent), SocketFlags.None, ct).ConfigureAwait(false);
            Volatile.Write(ref _bytesSent, _bytesSent + n);
            sent += n;
            sent += SendNow(buffer.AsSpan(sent, count - sent));
        }
    }

    /// <summary>Sends what is batched plus a large body in one call, the body from its own array.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendGatherAsync(byte[] head, int headCount, byte[] body, int bodyCount)
    {
        _gather ??= [default, default];
        _gather[0] = new ArraySegment<byte>(head, 0, headCount);
        _gather[1] = new ArraySegment<byte>(body, 0, bodyCount);
        int sent = _socket.Send(_gather, SocketFlags.None, out var error);
        _gather[0] = _gather[1] = default;
        if (error == SocketError.WouldBlock)
        {
            sent = 0;
        }
        else if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }
        Volatile.Write(ref _bytesSent, _bytesSent + sent);
        // A partial send leaves the rest to go the plain way.
        if (sent < headCount)
        {
            await SendAllAsync(head[sent..headCount], headCount - sent, default).ConfigureAwait(false);
            sent = headCount;
        }
        int bodySent = sent - headCount;
        while (bodySent < bodyCount)
        {
            bodySent += SendNow(body.AsSpan(bodySent, bodyCount - bodySent));
            if (bodySent < bodyCount)
            {
                int n = await _socket.SendAsync(body.AsMemory(bodySent, bodyCount - bodySent), SocketFlags.None).ConfigureAwait(false);
                Volatile.Write(ref _bytesSent, _bytesSent + n);
                bodySent += n;
            }
        }
    }

    /// <summary>Sends as much as the kernel takes now; 0 when it has no room.</summary>
    private int SendNow(ReadOnlySpan<byte> data)
    {
        int total = 0;
        while (total < data.Length)
        {
            int n = _socket.Send(data[total..], SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                break;
            }
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
            total += n;
        }
        Volatile.Write(ref _bytesSent, _bytesSent + total);
        return total;
    }

    /// <summary>Receives what is waiting: the byte count, 0 at the peer's end of stream, or -1 when
    /// nothing is waiting.</summary>
    private int ReceiveNow(Span<byte> buffer)
    {
        int n = _socket.Receive(buffer, SocketFlags.None, out var error);
        if (error == SocketError.WouldBlock)
        {
            return -1;
        }
        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }
        Volatile.Write(ref _bytesReceived, _bytesReceived + n);
        return n;
    }

    /// <summary>Waits until bytes (or the end of stream) can be read, holding no buffer meanwhile.</summary>
    private ValueTask<int> ReadableAsync() => _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
}
