namespace Zmq;

/// <summary>A receive into a caller's buffer found the next message longer than the buffer. The
/// message stays queued, whole: receive again with a buffer of at least <see cref="MessageLength"/>
/// bytes, or as a <see cref="Message"/>. (libzmq truncates instead; here nothing is lost.)</summary>
public sealed class BufferTooSmallException(int messageLength, int bufferLength)
    : ArgumentException($"the next message is {messageLength} bytes but the buffer holds {bufferLength}: it stays queued; receive it with a buffer of at least {messageLength} bytes, or with Receive() as a Message")
{
    /// <summary>The length of the message still waiting.</summary>
    public int MessageLength { get; } = messageLength;
}
