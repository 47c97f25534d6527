using System.Net.Sockets;
using System.Text;
using Zmq.Protocol;

namespace Zmq.Engine;

// The ZMTP 3.x NULL handshake: greeting, then READY both ways, with the socket-type check.
internal sealed partial class ZmtpConnection
{
    private async Task<(int Start, int End)> HandshakeAsync(byte[] rx, CancellationToken ct)
    {
        // The greeting first, READY only once the peer's greeting is in (as libzmq does): a peer that
        // refuses our socket type then still sends its own READY, from which we learn why, instead of
        // hanging up on ours with nothing said.
        byte[] greeting = new byte[Greeting.Size];
        Greeting.Write(greeting);
        await SendAllAsync(greeting, greeting.Length, ct).ConfigureAwait(false);

        int got = 0;
        while (got < Greeting.Size)
        {
            int n = await _socket.ReceiveAsync(rx.AsMemory(got), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("peer closed during the handshake");
            }
            got += n;
            string? error = Greeting.CheckPrefix(rx.AsSpan(0, Math.Min(got, Greeting.Size)));
            if (error != null)
            {
                throw new ProtocolException(error);
            }
        }
        Greeting.Validate(rx.AsSpan(0, Greeting.Size), "NULL", out string? greetingError);
        if (greetingError != null)
        {
            throw new ProtocolException(greetingError);
        }
        byte[] ready = Commands.BuildReadyFrame(_host.SocketType, [], sendIdentity: false);
        await SendAllAsync(ready, ready.Length, ct).ConfigureAwait(false);

        int start = Greeting.Size, end = got;
        Frame frame;
        while (!TryDecode(rx, ref start, end, out frame))
        {
            start = 0;
            end = await _socket.ReceiveAsync(rx.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
            if (end == 0)
            {
                throw new IOException("peer closed during the handshake");
            }
        }
        AcceptReady(frame);
        return (start, end);
    }

    private bool TryDecode(byte[] buffer, ref int start, int end, out Frame frame)
    {
        ReadOnlySpan<byte> input = buffer.AsSpan(start, end - start);
        bool done = _decoder.TryDecode(ref input, out frame);
        start = end - input.Length;
        return done;
    }

    private void AcceptReady(Frame frame)
    {
        if (!frame.IsCommand)
        {
            throw new ProtocolException("expected a READY command after the greeting, got a message frame");
        }
        if (!Commands.TryParse(frame.Body, out string name, out var data, out string? error))
        {
            throw new ProtocolException(error!);
        }
        if (name == Commands.Error)
        {
            throw new ProtocolException($"peer refused the handshake: ERROR \"{Commands.ParseErrorReason(data)}\"");
        }
        if (name != Commands.Ready)
        {
            throw new ProtocolException($"expected a READY command after the greeting, got {name}");
        }
        var props = Commands.TryParseProperties(data, out error) ?? throw new ProtocolException(error!);
        if (props.TryGetValue(Commands.SocketTypeProperty, out var typeBytes))
        {
            string peerType = Encoding.ASCII.GetString(typeBytes);
            if (!_host.IsCompatible(peerType))
            {
                TrySendError("Incompatible socket type");
                throw new ProtocolException($"incompatible socket type: peer is {peerType}, a {_host.SocketType} accepts only its own pattern's peers");
            }
            PeerSocketType = peerType;
        }
    }

    private void TrySendError(string reason)
    {
        try
        {
            _socket.Send(Commands.BuildErrorFrame(reason), SocketFlags.None);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
