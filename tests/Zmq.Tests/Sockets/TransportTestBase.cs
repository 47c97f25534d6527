namespace Zmq.Tests.Sockets;

/// <summary>Tests that hold for every transport derive from this; one derived class per transport
/// supplies the endpoints.</summary>
public abstract class TransportTestBase
{
    /// <summary>An endpoint to bind that picks a free address, e.g. tcp://127.0.0.1:*.</summary>
    protected abstract string AnyEndpoint { get; }

    /// <summary>An endpoint of this transport that nothing is bound to, safe to bind, close and bind
    /// again (a wildcard port, once freed, may go to a test running in parallel).</summary>
    protected string FreshEndpoint() => Support.Endpoints.FreshLike(AnyEndpoint);

    /// <summary>False for inproc, whose connections are made once (as in libzmq), never re-dialled.</summary>
    protected virtual bool Reconnects => true;

    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected static ServerSocket NewServer() => new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.FromSeconds(5) };

    protected static ClientSocket NewClient() => new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.FromSeconds(5) };

    protected static RequestSocket NewReq() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    protected static ResponseSocket NewRep() => new() { SendTimeout = Timeout, ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    protected ResponseSocket BoundRep()
    {
        var rep = NewRep();
        rep.Bind(AnyEndpoint);
        return rep;
    }

    /// <summary>Whether the transport runs over OS sockets (tcp, ipc): inproc has no connection engine.</summary>
    protected bool Streams => !AnyEndpoint.StartsWith("inproc://", StringComparison.Ordinal);

    protected ServerSocket BoundServer()
    {
        var s = NewServer();
        s.Bind(AnyEndpoint);
        return s;
    }

    /// <summary>Connects each client to the server and has it send its name; returns the routing id
    /// the server saw for each name.</summary>
    protected static Dictionary<string, uint> ConnectAndLearnIds(ServerSocket server, params (string Name, ClientSocket Client)[] clients)
    {
        foreach (var (name, client) in clients)
        {
            client.Connect(server.LastEndpoint!);
            client.Send(name);
        }
        var ids = new Dictionary<string, uint>();
        for (int i = 0; i < clients.Length; i++)
        {
            var m = server.Receive();
            ids[m.ToString()] = m.RoutingId;
        }
        return ids;
    }
}
