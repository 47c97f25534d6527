using Zmq.Protocol;

namespace Zmq.Engine.Mechanisms;

/// <summary>Where a mechanism's handshake stands.</summary>
internal enum MechanismStatus
{
    /// <summary>Commands are still to be sent or received.</summary>
    Handshaking,

    /// <summary>Done: messages may flow, and the peer's properties are known.</summary>
    Ready,

    /// <summary>The mechanism refused the peer; it has queued an ERROR command saying why
    /// (<see cref="Mechanism.ErrorReason"/>), and the connection ends after sending it.</summary>
    Error,
}

/// <summary>
/// One side of a ZMTP security mechanism (RFC 23 §2.4; RFC 24 PLAIN, RFC 26 CURVE). The connection
/// owns the greeting and the socket I/O; the mechanism owns what happens between the greeting and
/// the first message (the handshake commands and the metadata in them) and, when it protects
/// traffic, the form every frame takes afterwards. A new mechanism is a subclass: the connection
/// does not know any by name.
/// </summary>
internal abstract class Mechanism
{
    private static readonly IReadOnlyDictionary<string, byte[]> NoProperties =
        new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The mechanism field of the greeting; the peer's must be the same.</summary>
    public abstract string Name { get; }

    /// <summary>The greeting's as-server flag. Meaningless for NULL; for PLAIN and CURVE it says
    /// which side authenticates the other.</summary>
    public virtual bool AsServer => false;

    public MechanismStatus Status { get; protected set; }

    /// <summary>The peer's address (as monitor events give it), set by the connection before the
    /// handshake: what an authenticator may allow or deny.</summary>
    public string PeerAddress { get; set; } = "";

    /// <summary>Set by <see cref="ProcessHandshakeCommand"/> when a decision must be awaited (an
    /// authenticator asked asynchronously, a ZAP handler): the connection awaits it before it asks
    /// for the next command.</summary>
    public Task? Pending { get; protected set; }

    /// <summary>The ZAP status code of the last refusal (<see cref="AcceptedAsync"/>): what a
    /// server's ERROR carries.</summary>
    protected string RefusalCode { get; private set; } = "400";

    /// <summary>A server's wait for its authenticator's verdict: true to let the peer in; false
    /// with <see cref="ErrorReason"/> (<paramref name="refused"/>, then why) and
    /// <see cref="RefusalCode"/> set.</summary>
    protected async Task<bool> AcceptedAsync(Task<AuthVerdict> verdict, string refused)
    {
        var v = await verdict.ConfigureAwait(false);
        if (v.Refusal is { } why)
        {
            ErrorReason = $"{refused}: {why}";
            RefusalCode = v.StatusCode;
            return false;
        }
        UserId = v.UserId;
        GrantedProperties = v.Metadata;
        return true;
    }

    /// <summary>The id the authenticator or ZAP handler gave the peer it let in (ZAP "User-Id").</summary>
    public string? UserId { get; private set; }

    /// <summary>The metadata the ZAP handler returned with its yes, added to the peer's properties.</summary>
    public IReadOnlyDictionary<string, byte[]>? GrantedProperties { get; private set; }

    /// <summary>Why the handshake failed, once <see cref="Status"/> is <see cref="MechanismStatus.Error"/>.</summary>
    public string? ErrorReason { get; protected set; }

    /// <summary>The metadata the peer sent (READY, INITIATE...), names case-insensitive: Socket-Type,
    /// Identity and whatever else it chose to send. Complete once <see cref="Status"/> is Ready.</summary>
    public IReadOnlyDictionary<string, byte[]> PeerProperties { get; protected set; } = NoProperties;

    /// <summary>Whether frames after the handshake are on the wire as the application gave them.
    /// When true the connection encodes and decodes frames itself, straight between queue slots and
    /// socket buffers; when false every frame goes through <see cref="Encode"/> and <see cref="Decode"/>.
    /// Read once, when the handshake has completed.</summary>
    public virtual bool LeavesFramesUnchanged => true;

    /// <summary>The next handshake command to send, as a whole frame, or null when nothing is due
    /// until the peer's next command arrives. Called until it returns null, after the greeting
    /// exchange and after each <see cref="ProcessHandshakeCommand"/>.</summary>
    public abstract byte[]? NextHandshakeCommand();

    /// <summary>Takes one frame the peer sent during the handshake.</summary>
    /// <exception cref="ProtocolException">The frame breaks the mechanism's protocol, or the peer
    /// sent ERROR.</exception>
    public abstract void ProcessHandshakeCommand(in Frame frame);

    /// <summary>The wire form of one frame after the handshake (for CURVE, a MESSAGE command around
    /// the encrypted frame). <paramref name="flags"/> are the frame's MORE and COMMAND bits. Only
    /// called when <see cref="LeavesFramesUnchanged"/> is false; this default writes the frame as is.</summary>
    public virtual byte[] Encode(byte flags, ReadOnlySpan<byte> body)
    {
        var frame = new byte[FrameWriter.FrameSize(body.Length)];
        FrameWriter.WriteFrame(frame, body, flags);
        return frame;
    }

    /// <summary>The length of <see cref="Encode"/>'s result for a body of <paramref name="bodyLength"/>
    /// bytes, so that the write loop can encode into its batch with <see cref="EncodeInto"/>; -1 (this
    /// default) when it is not known ahead, and the write loop copies what <see cref="Encode"/> made.</summary>
    public virtual int EncodedSize(int bodyLength) => -1;

    /// <summary>How many bytes a transformed frame's body has beyond the frame it carries, where that
    /// is fixed (-1, this default, where it is not): what the decoder's scratch for small frames must
    /// hold beyond a queue slot's inline payload.</summary>
    public virtual int Overhead => -1;

    /// <summary><see cref="Encode"/> into <paramref name="destination"/>, exactly
    /// <see cref="EncodedSize"/> bytes; only called where that is known.</summary>
    public virtual void EncodeInto(Span<byte> destination, byte flags, ReadOnlySpan<byte> body) => Encode(flags, body).CopyTo(destination);

    /// <summary>The frame that a received wire frame carries. Only called when
    /// <see cref="LeavesFramesUnchanged"/> is false; this default returns it as is.</summary>
    /// <exception cref="ProtocolException">The frame cannot be decoded (tampered with, out of order).</exception>
    public virtual Frame Decode(in Frame frame) => frame;
}
