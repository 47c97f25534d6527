namespace Zmq.Perf.Libraries;

/// <summary>
/// The bind side of the proxy row: one library's XSUB/XPUB forwarder (<see cref="IBenchProxy"/>) with
/// that library's PUB connected to its XSUB over tcp in the same process; the row's SUBs connect to
/// the XPUB. A message goes PUB → XSUB, through the proxy, XPUB → SUB, and the subscriptions the
/// other way, as in a forwarder that decouples publishers from subscribers. The publisher and the
/// proxy share the process, as the subscriber's side shares the other.
/// </summary>
internal sealed class ProxiedPublisher(IBenchProxy proxy, IBenchSocket publisher) : IBenchSocket
{
    /// <summary>Where the proxy's XSUB listens for the publisher.</summary>
    private const string FrontendEndpoint = "tcp://127.0.0.1:*";

    public string Bind(string endpoint)
    {
        var (frontend, backend) = proxy.Start(FrontendEndpoint, endpoint);
        publisher.Connect(frontend);
        return backend;
    }

    public void Connect(string endpoint) => throw new NotSupportedException("the proxy row's publishing side binds");

    public void Send(int length) => publisher.Send(length);

    public int Receive() => throw new NotSupportedException("the proxy row's publishing side only publishes");

    public int Echo() => throw new NotSupportedException("the proxy row's publishing side only publishes");

    public void Dispose()
    {
        publisher.Dispose();
        proxy.Dispose();
    }
}

/// <summary>An XSUB/XPUB forwarder of one library, run on a thread of its own until disposed.</summary>
internal interface IBenchProxy : IDisposable
{
    /// <summary>Binds the XSUB to <paramref name="frontend"/> and the XPUB to <paramref name="backend"/>
    /// (wildcards allowed), starts forwarding, and returns both bound endpoints.</summary>
    (string Frontend, string Backend) Start(string frontend, string backend);
}
