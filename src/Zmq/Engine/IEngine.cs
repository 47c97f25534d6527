namespace Zmq.Engine;

/// <summary>
/// What serves one connection below a socket, as the socket layer sees it: run once, closed
/// gracefully or at once, and two fast paths on the application's threads that an engine may
/// decline. ZMTP over a stream socket (<see cref="ZmtpConnection"/>) is one; a raw byte-stream
/// engine (STREAM sockets) or a datagram engine (udp) would be its siblings.
/// </summary>
internal interface IEngine
{
    /// <summary>The endpoint this engine belongs to (the bound or the connected one).</summary>
    string Endpoint { get; }

    string PeerAddress { get; }

    /// <summary>The peer's socket type, once its handshake said it; null for engines without one.</summary>
    string? PeerSocketType { get; }

    /// <summary>The identity the peer announced in its handshake (its ZMQ_ROUTING_ID), or null for
    /// none or an empty one.</summary>
    byte[]? PeerIdentity { get; }

    /// <summary>Completes once everything queued has been handed to the OS after
    /// <see cref="BeginClose"/>, or when the engine has ended.</summary>
    Task Drained { get; }

    /// <summary>Set once nothing reads the pipe's outbound queue any more, so another thread may.</summary>
    bool WriterFinished { get; }

    /// <summary>Bytes written to the transport so far (any thread; for the metrics).</summary>
    long BytesSent { get; }

    /// <summary>Bytes read from the transport so far (any thread; for the metrics).</summary>
    long BytesReceived { get; }

    /// <summary>Messages dropped because they were malformed or oversized, where the engine drops
    /// such a message instead of closing the connection (udp; any thread; for the metrics).</summary>
    long DroppedMalformed => 0;

    /// <summary>What the handshake established about the peer, for its messages to carry; null
    /// where there is no handshake.</summary>
    MessageProperties? Properties => null;

    /// <summary>Runs the engine to its end. Never throws.</summary>
    Task<ConnectionEnd> RunAsync();

    /// <summary>Sends what is queued, then closes. Inbound messages are dropped from now on.</summary>
    void BeginClose();

    /// <summary>Closes at once, dropping whatever is unsent.</summary>
    void Abort();

    /// <summary>Sending thread, its pipe full: writes the queued messages itself if the engine can.
    /// True when messages left the queue.</summary>
    bool FlushForSender(Pipe pipe);

    /// <summary>Receiving thread, its pipe found empty: reads for the engine if it has handed
    /// reading over. True when a whole message was queued.</summary>
    bool TryReadForConsumer(Pipe pipe);

    /// <summary>Receiving thread, waiting on its socket's only pipe: waits up to
    /// <paramref name="microseconds"/> for the engine's socket to have bytes, if the engine has lent
    /// reading, for the caller to read them (<see cref="TryReadForConsumer"/>). False when the caller
    /// should wait on its gate instead.</summary>
    bool WaitReadableForConsumer(Pipe pipe, int microseconds) => false;
}
