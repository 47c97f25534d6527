namespace Zmq;

/// <summary>What a <see cref="ZmqPoller"/> watches a socket for, and what it found.</summary>
[Flags]
public enum PollEvents
{
    /// <summary>Nothing (in a result: not ready).</summary>
    None = 0,

    /// <summary>A receive would find a message (libzmq ZMQ_POLLIN, <see cref="ZmqSocket.CanReceive"/>).</summary>
    Readable = 1,

    /// <summary>A send could queue a message (libzmq ZMQ_POLLOUT, <see cref="ZmqSocket.CanSend"/>).</summary>
    Writable = 2,
}
