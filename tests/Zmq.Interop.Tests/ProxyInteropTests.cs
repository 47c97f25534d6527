using System.Text;

namespace Zmq.Interop.Tests;

/// <summary>XSUB/XPUB forwarders across libraries: our <see cref="Proxy"/> between libzmq's PUB and
/// SUB (4.3.5 and 4.3.4), and libzmq's own zmq_proxy (Debian's 4.3.4) between our PUB and SUB.
/// Subscriptions cross the proxy upstream, messages downstream, and what nobody subscribed to does
/// not reach the subscriber.</summary>
public class ProxyInteropTests
{
    public static TheoryData<string, string> Cases => LibzmqPeer.BuildsAndTransports;

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task OurProxy_CarriesALibzmqSubsSubscriptionUp_AndALibzmqPubsMessagesDown(string build, string transport)
    {
        using var bind = Transports.LibzmqBind(transport);
        await using var pub = LibzmqPeer.Start(build, "pub", bind: true, bind.Endpoint);
        string pubEndpoint = await pub.WaitForReadyAsync();
        await using var frontend = new XSubscriberSocket { Linger = TimeSpan.Zero };
        frontend.Connect(pubEndpoint);
        await using var backend = new XPublisherSocket { Linger = TimeSpan.Zero };
        backend.Bind(Transports.OurBind(transport));
        using var stop = new CancellationTokenSource();
        var forwarding = Proxy.RunAsync(frontend, backend, cancellationToken: stop.Token);
        // The libzmq SUB subscribes to everything (peer.py does at start); its subscription must reach the PUB.
        await using var sub = LibzmqPeer.Start(build, "sub", bind: false, backend.LastEndpoint!);
        await sub.WaitForReadyAsync();
        if (sub is NodePeer node)
        {
            await node.SubscribeAsync([]);
        }

        string got = "";
        for (int attempt = 0; attempt < 100 && got.Length == 0; attempt++)
        {
            await pub.SendFramesAsync(B("news"), B($"through our proxy {attempt}"));
            try
            {
                var frames = await sub.ReceiveFramesAsync("a forwarded message", TimeSpan.FromMilliseconds(100));
                got = string.Join('|', frames.Select(Encoding.UTF8.GetString));
            }
            catch (TimeoutException)
            {
                // The subscription is still on its way up.
            }
        }
        Assert.StartsWith("news|through our proxy ", got);

        await stop.CancelAsync();
        await forwarding.WaitAsync(Ours.Wait);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task ALibzmqProxy_CarriesOurSubscriptionUp_AndOurMessagesDown_FilteredAtOurPub(string transport)
    {
        await using var proxy = await LibzmqProxy.StartAsync("proxy", transport);
        string[] endpoints = proxy.Endpoints;
        await using var pub = new PublisherSocket { Linger = TimeSpan.Zero };
        pub.Connect(endpoints[0]);
        await using var sub = new SubscriberSocket { ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        sub.Subscribe("news");
        sub.Connect(endpoints[1]);

        int seen = 0;
        for (int attempt = 0; attempt < 100 && seen == 0; attempt++)
        {
            pub.Send("sport: not asked for");
            pub.Send($"news: through libzmq's proxy {attempt}");
            while (sub.TryReceive(out var m, TimeSpan.FromMilliseconds(50)))
            {
                Assert.StartsWith("news: through libzmq's proxy ", m.ToString());
                seen++;
            }
        }
        Assert.True(seen > 0, "no message crossed libzmq's proxy");
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("ipc")]
    public async Task OurReq_ThroughALibzmqRouterDealerBroker_IsAnsweredByOurRep(string transport)
    {
        await using var broker = await LibzmqProxy.StartAsync("broker", transport);
        string[] endpoints = broker.Endpoints;
        await using var req = new RequestSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        req.Connect(endpoints[0]);
        await using var rep = new ResponseSocket { SendTimeout = Ours.Wait, ReceiveTimeout = Ours.Wait, Linger = TimeSpan.Zero };
        rep.Connect(endpoints[1]);

        for (int i = 0; i < 3; i++)
        {
            req.Send($"q{i}");
            // Two hops of libzmq's envelope handling, and the REP still answers the right REQ.
            Assert.Equal($"q{i}", rep.ReceiveString());
            rep.Send($"a{i}");
            Assert.Equal($"a{i}", req.ReceiveString());
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ALibzmqReq_ThroughOurRouterDealerBroker_IsAnsweredByALibzmqRep(string build, string transport)
    {
        await using var frontend = new RouterSocket { Linger = TimeSpan.Zero };
        frontend.Bind(Transports.OurBind(transport));
        await using var backend = new DealerSocket { Linger = TimeSpan.Zero };
        backend.Bind(Transports.OurBind(transport));
        using var stop = new CancellationTokenSource();
        var brokering = Proxy.RunAsync(frontend, backend, cancellationToken: stop.Token);
        await using var rep = LibzmqPeer.Start(build, "rep", bind: false, backend.LastEndpoint!);
        await rep.WaitForReadyAsync();
        await using var req = LibzmqPeer.Start(build, "req", bind: false, frontend.LastEndpoint!);
        await req.WaitForReadyAsync();

        for (int i = 0; i < 3; i++)
        {
            await req.SendFramesAsync(B($"q{i}"));
            Assert.Equal($"q{i}", Encoding.UTF8.GetString((await rep.ReceiveFramesAsync($"request {i}")).Single()));
            await rep.SendFramesAsync(B($"a{i}"));
            Assert.Equal($"a{i}", Encoding.UTF8.GetString((await req.ReceiveFramesAsync($"reply {i}")).Single()));
        }

        await stop.CancelAsync();
        await brokering.WaitAsync(Ours.Wait);
    }

    /// <summary>libzmq's zmq_proxy (Debian's 4.3.4) between two sockets it binds: an XSUB and an
    /// XPUB ("proxy") or a ROUTER and a DEALER ("broker"); <see cref="Endpoints"/> are the two.</summary>
    private sealed class LibzmqProxy : IAsyncDisposable
    {
        private readonly LibzmqBind _front;
        private readonly LibzmqBind _back;
        private readonly PythonPeer _peer;

        private LibzmqProxy(string kind, string transport)
        {
            _front = Transports.LibzmqBind(transport);
            _back = Transports.LibzmqBind(transport);
            _peer = PythonPeer.Start(kind, bind: true, $"{_front.Endpoint},{_back.Endpoint}");
        }

        public string[] Endpoints { get; private set; } = [];

        public static async Task<LibzmqProxy> StartAsync(string kind, string transport)
        {
            var proxy = new LibzmqProxy(kind, transport);
            try
            {
                proxy.Endpoints = (await proxy._peer.WaitForReadyAsync()).Split(',');
                return proxy;
            }
            catch
            {
                await proxy.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _peer.DisposeAsync();
            _front.Dispose();
            _back.Dispose();
        }
    }
}
