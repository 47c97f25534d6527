using System.Net.Sockets;

namespace Zmq.Transport;

/// <summary>A scheme that Bind and Connect accept. What kind of transport it is (a stream transport,
/// inproc) decides which code of the socket serves it.</summary>
internal interface ITransport
{
    /// <summary>The part before <c>://</c>, matched exactly (case-sensitive, as libzmq).</summary>
    string Scheme { get; }
}

/// <summary>inproc://: no OS socket and no engine. Listed so that endpoints parse and errors name it;
/// the socket's inproc code and the context's <see cref="InprocRegistry"/> serve it.</summary>
internal sealed class InprocTransport : ITransport
{
    public static readonly InprocTransport Instance = new();

    private InprocTransport()
    {
    }

    public string Scheme => "inproc";
}

/// <summary>Socket settings a transport reads, taken when Bind or Connect is called (later option
/// changes affect only later calls, as in libzmq).</summary>
internal readonly record struct TransportSettings(bool Ipv6, int Backlog, TimeSpan ConnectTimeout, StreamOptions Options);

/// <summary>A bound stream endpoint: the listening socket, the endpoint it resolved to (wildcards
/// filled in) and what to undo when it closes (an ipc socket file). A bound udp endpoint is one too;
/// where its engine still has datagrams to send (DGRAM), <paramref name="ClosesSocket"/> is false and
/// the cleanup lets the engine close the socket once they are out.</summary>
internal sealed record StreamListener(Socket Socket, string Endpoint, Action Cleanup, bool ClosesSocket = true)
{
    public void Close()
    {
        if (ClosesSocket)
        {
            Socket.Dispose();
        }
        Cleanup();
    }
}

/// <summary>A transport whose connections are byte streams (tcp, ipc): it makes listening and dialled
/// OS sockets; what runs on them (an engine) is not its business.</summary>
internal interface IStreamTransport : ITransport
{
    /// <exception cref="InvalidEndpointException">The address is malformed for this transport.</exception>
    /// <exception cref="ZmqException">The OS refused the bind.</exception>
    StreamListener Listen(Endpoint ep, in TransportSettings settings);

    /// <summary>Checks an endpoint up front, so that Connect reports a bad one at once rather than
    /// in the background dialler.</summary>
    void ValidateConnect(Endpoint ep);

    /// <summary>Dials once.</summary>
    Task<Socket> ConnectAsync(Endpoint ep, TransportSettings settings, CancellationToken ct);

    /// <summary>Sets up an accepted socket before an engine runs on it.</summary>
    void PrepareAccepted(Socket socket, StreamOptions options);
}
