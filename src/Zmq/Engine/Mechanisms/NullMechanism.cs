using Zmq.Protocol;

namespace Zmq.Engine.Mechanisms;

/// <summary>
/// RFC 23's NULL mechanism: no security, one READY command each way carrying the socket's metadata.
/// Our READY goes out as soon as the greetings are exchanged (so a peer that refuses us still sends
/// its own READY or an ERROR, from which we learn why), and the peer's READY ends the handshake.
/// With a <paramref name="judge"/> (a socket with a ZAP domain, as libzmq asks ZAP for NULL only
/// then), the peer's address is judged first, and a refused peer gets ERROR with the status code
/// instead of READY.
/// </summary>
internal sealed class NullMechanism(string socketType, byte[]? identity = null, bool sendIdentity = false, Func<string, Task<AuthVerdict>>? judge = null) : Mechanism
{
    private bool _readySent;
    private bool _readyReceived;
    private bool _errorSent;
    private Task<bool>? _accepted;

    public override string Name => "NULL";

    public override byte[]? NextHandshakeCommand()
    {
        if (_readySent || _errorSent)
        {
            return null;
        }
        if (judge != null)
        {
            if (_accepted == null)
            {
                _accepted = AcceptedAsync(judge(PeerAddress), $"NULL peer at {PeerAddress} refused");
                Pending = _accepted;
            }
            if (!_accepted.IsCompleted)
            {
                return null;
            }
            if (!_accepted.Result)
            {
                _errorSent = true;
                Status = MechanismStatus.Error;
                return Commands.BuildErrorFrame(RefusalCode);
            }
        }
        _readySent = true;
        if (_readyReceived)
        {
            Status = MechanismStatus.Ready;
        }
        return Commands.BuildReadyFrame(socketType, identity, sendIdentity);
    }

    public override void ProcessHandshakeCommand(in Frame frame)
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
            throw new ProtocolException($"peer refused the handshake: ERROR \"{Commands.ParseErrorReason(data)}\"", ProtocolException.Refused);
        }
        if (name != Commands.Ready || _readyReceived)
        {
            throw new ProtocolException($"expected a READY command after the greeting, got {name}");
        }
        PeerProperties = Commands.TryParseProperties(data, out error) ?? throw new ProtocolException(error!);
        _readyReceived = true;
        if (_readySent)
        {
            Status = MechanismStatus.Ready;
        }
    }
}
