using Zmq.Protocol;

namespace Zmq.Engine.Mechanisms;

/// <summary>
/// RFC 23's NULL mechanism: no security, one READY command each way carrying the socket's metadata.
/// Our READY goes out as soon as the greetings are exchanged (so a peer that refuses us still sends
/// its own READY or an ERROR, from which we learn why), and the peer's READY ends the handshake.
/// </summary>
internal sealed class NullMechanism(string socketType, byte[]? identity = null, bool sendIdentity = false) : Mechanism
{
    private bool _readySent;

    public override string Name => "NULL";

    public override byte[]? NextHandshakeCommand()
    {
        if (_readySent)
        {
            return null;
        }
        _readySent = true;
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
        if (name != Commands.Ready)
        {
            throw new ProtocolException($"expected a READY command after the greeting, got {name}");
        }
        PeerProperties = Commands.TryParseProperties(data, out error) ?? throw new ProtocolException(error!);
        Status = MechanismStatus.Ready;
    }
}
