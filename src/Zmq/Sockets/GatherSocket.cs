using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// GATHER (RFC 49): a thread-safe PULL. Fair-queues messages from its SCATTER peers. Single-frame
/// messages only. Sends nothing.
/// <para>Thread-safe: any number of threads may receive, bind, connect and dispose at once
/// (<see cref="ZmqSocket.IsThreadSafe"/>); each message goes to one of the waiting receivers.
/// Options are not synchronised: set them before Bind and Connect.</para>
/// </summary>
public sealed class GatherSocket : ZmqSocket, IReceivingSocket
{
    /// <summary>Creates a GATHER in <see cref="ZmqContext.Default"/>.</summary>
    public GatherSocket()
        : this(null)
    {
    }

    /// <summary>Creates a GATHER whose inproc endpoints live in <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public GatherSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>Receiving is the core's fair queue, unchanged.</summary>
    private sealed class Rules() : Pattern(inprocProducersMaySkipFences: true)
    {
        public override ZmqSocketType Type => ZmqSocketType.Gather;
    }
}
