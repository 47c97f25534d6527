using Zmq.Engine;
using Zmq.Routing;

namespace Zmq.Sockets.Core;

/// <summary>
/// The receiving side of a fan-out (SUB, DISH; XSUB next): tells every publishing peer what this
/// socket wants, once its connection is up (inproc pipes at once: they never reconnect), and all of
/// it again after each reconnect, since the peer forgets it with the connection. A udp peer is told
/// nothing: nothing would read it (the socket filters what comes that way itself).
/// </summary>
internal abstract class InterestPattern(IPeerInterest interest) : Pattern
{
    public override void Attach(Pipe pipe)
    {
        if (!pipe.Datagram && (pipe.IsInproc || pipe.Connection != null))
        {
            interest.TellAll(pipe);
        }
    }

    public override void Connected(Pipe pipe)
    {
        if (!pipe.Datagram)
        {
            interest.TellAll(pipe);
        }
    }

    /// <summary>What is still queued for a lost connection is dropped: all of it is told again after
    /// the reconnect, and the peer has forgotten the old.</summary>
    public override void Disconnected(Pipe pipe)
    {
        interest.Forget(pipe);
        pipe.DrainOutbound();
    }

    public override void Detach(Pipe pipe) => interest.Forget(pipe);
}
