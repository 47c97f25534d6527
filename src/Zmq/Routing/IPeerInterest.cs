using Zmq.Engine;

namespace Zmq.Routing;

/// <summary>What a receiving fan-out socket wants (SUB's subscriptions, DISH's groups), as told to
/// its publishing peers. Runs under the socket's send lock.</summary>
internal interface IPeerInterest
{
    /// <summary>Tells a peer that does not know it yet all of it.</summary>
    void TellAll(Pipe pipe);

    /// <summary>The peer behind the pipe no longer knows it (its connection was lost) or is gone.</summary>
    void Forget(Pipe pipe);
}
