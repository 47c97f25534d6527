using System.Net.Sockets;
using System.Text;
using Zmq.Engine.Mechanisms;
using Zmq.Protocol;

namespace Zmq.Engine;

// The ZMTP 3.x handshake: the greeting, then the mechanism's commands, then the socket-type check.
internal sealed partial class ZmtpConnection
{
    private async Task<(int Start, int End)> HandshakeAsync(byte[] rx, CancellationToken ct)
    {
        // The greeting first, the mechanism's commands only once the peer's greeting is in (as libzmq
        // does): a peer that refuses our socket type then still sends its own READY, from which we
        // learn why, instead of hanging up on ours with nothing said.
        byte[] greeting = new byte[Greeting.Size];
        Greeting.Write(greeting, _mechanism.Name, _mechanism.AsServer);
        await SendAllAsync(greeting, greeting.Length, ct).ConfigureAwait(false);

        int got = 0;
        while (got < Greeting.Size)
        {
            int n = await _socket.ReceiveAsync(rx.AsMemory(got), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                throw new IOException("peer closed during the handshake");
            }
            _bytesReceived += n;
            got += n;
            string? error = Greeting.CheckPrefix(rx.AsSpan(0, Math.Min(got, Greeting.Size)));
            if (error != null)
            {
                throw new ProtocolException(error, ProtocolException.Greeting);
            }
        }
        Greeting.Validate(rx.AsSpan(0, Greeting.Size), _mechanism.Name, out string? greetingError);
        if (greetingError != null)
        {
            throw new ProtocolException(greetingError, ProtocolException.Greeting);
        }
        await SendHandshakeCommandsAsync(ct).ConfigureAwait(false);

        int start = Greeting.Size, end = got;
        while (_mechanism.Status == MechanismStatus.Handshaking)
        {
            Frame frame;
            while (!TryDecode(rx, ref start, end, out frame))
            {
                start = 0;
                end = await _socket.ReceiveAsync(rx.AsMemory(), SocketFlags.None, ct).ConfigureAwait(false);
                if (end == 0)
                {
                    throw new IOException("peer closed during the handshake");
                }
                _bytesReceived += end;
            }
            _mechanism.ProcessHandshakeCommand(frame);
            if (_mechanism.Pending is { } pending)
            {
                // An authenticator or a ZAP handler decides; the handshake's time limit still holds.
                await pending.WaitAsync(ct).ConfigureAwait(false);
            }
            await SendHandshakeCommandsAsync(ct).ConfigureAwait(false);
        }
        if (_mechanism.Status == MechanismStatus.Error)
        {
            throw new ProtocolException(_mechanism.ErrorReason ?? $"the {_mechanism.Name} handshake failed", ProtocolException.Mechanism);
        }
        AcceptPeerProperties(_mechanism.PeerProperties);
        Properties = new MessageProperties(_mechanism.PeerProperties, PeerAddress, _mechanism.UserId, _mechanism.GrantedProperties);
        return (start, end);
    }

    private async ValueTask SendHandshakeCommandsAsync(CancellationToken ct)
    {
        while (_mechanism.NextHandshakeCommand() is { } command)
        {
            await SendAllAsync(command, command.Length, ct).ConfigureAwait(false);
        }
    }

    private bool TryDecode(byte[] buffer, ref int start, int end, out Frame frame)
    {
        ReadOnlySpan<byte> input = buffer.AsSpan(start, end - start);
        bool done = _decoder.TryDecode(ref input, out frame);
        start = end - input.Length;
        return done;
    }

    /// <summary>The socket-type check is the host's, whatever the mechanism: it knows its pattern.</summary>
    private void AcceptPeerProperties(IReadOnlyDictionary<string, byte[]> props)
    {
        if (props.TryGetValue(Commands.SocketTypeProperty, out var typeBytes))
        {
            string peerType = Encoding.ASCII.GetString(typeBytes);
            if (!_host.IsCompatible(peerType))
            {
                TrySendError("Incompatible socket type");
                throw new ProtocolException($"incompatible socket type: peer is {peerType}, a {_host.SocketType} accepts only its own pattern's peers", ProtocolException.SocketType);
            }
            PeerSocketType = peerType;
        }
        if (props.TryGetValue(Commands.IdentityProperty, out var identity) && identity.Length > 0)
        {
            PeerIdentity = identity;
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
