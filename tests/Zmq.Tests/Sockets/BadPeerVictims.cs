using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>The socket types a bad peer is set against.</summary>
public enum VictimKind
{
    Server,
    Client,
    Pub,
    Sub,
}

/// <summary>The wrong socket types a peer can announce in READY.</summary>
public enum Impostor
{
    /// <summary>A type of another pattern (DEALER).</summary>
    OtherPattern,

    /// <summary>The victim's own type, which is not its peer (CLIENT to a CLIENT).</summary>
    SameType,

    /// <summary>The right type in lower case: socket types are case-sensitive.</summary>
    LowerCase,
}

/// <summary>
/// A socket under attack by a bad peer, with a well-behaved peer of its own that is in full use before
/// the bad one arrives. A binding victim (SERVER, PUB) is dialled by the bad peer; a connecting one
/// (CLIENT, SUB) dials it, at a <see cref="RawListener"/>.
/// </summary>
internal abstract class Victim : IAsyncDisposable
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>How often a connecting victim would dial a lost peer again.</summary>
    public static readonly TimeSpan ReconnectInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Messages the good peer exchanges after the bad one is gone.</summary>
    protected const int Count = 100;

    private string _anyEndpoint = "";

    public RecordingLogger Log { get; } = new();

    public abstract ZmqSocket Socket { get; }

    public string SocketType => Socket.SocketType;

    /// <summary>The socket type a compatible peer announces in READY.</summary>
    public abstract string PeerType { get; }

    /// <summary>True when the victim dials the bad peer rather than being dialled by it.</summary>
    public virtual bool Connects => false;

    /// <summary>Where a connecting victim dials the bad peer.</summary>
    public RawListener? Listener { get; private set; }

    /// <summary>Where a binding victim is dialled.</summary>
    protected string Bound { get; set; } = "";

    /// <summary>Creates the victim and its good peer, logging to <see cref="Log"/>, and has them
    /// exchange a first message.</summary>
    public static async Task<Victim> StartAsync(VictimKind kind, string anyEndpoint)
    {
        Victim victim = kind switch
        {
            VictimKind.Server => new ServerVictim(),
            VictimKind.Client => new ClientVictim(),
            VictimKind.Pub => new PubVictim(),
            VictimKind.Sub => new SubVictim(),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        victim._anyEndpoint = anyEndpoint;
        victim.Socket.Logger = victim.Log;
        victim.Socket.Linger = TimeSpan.Zero;
        await victim.StartGoodPeerAsync(anyEndpoint);
        return victim;
    }

    protected abstract Task StartGoodPeerAsync(string anyEndpoint);

    /// <summary>A raw peer connected to the victim: it dialled the victim, or the victim dialled it.</summary>
    public async Task<RawPeer> AddBadPeerAsync()
    {
        if (!Connects)
        {
            return await RawPeer.ConnectAsync(Bound);
        }
        Listener = RawListener.Listen(_anyEndpoint);
        Socket.Connect(Listener.Endpoint);
        return await Listener.AcceptAsync(Timeout);
    }

    /// <summary>The announced type a compatible peer would never use.</summary>
    public string Impersonate(Impostor impostor) => impostor switch
    {
        Impostor.OtherPattern => "DEALER",
        Impostor.SameType => SocketType,
        Impostor.LowerCase => PeerType.ToLowerInvariant(),
        _ => throw new ArgumentOutOfRangeException(nameof(impostor)),
    };

    /// <summary>The good peer's traffic flows both ways the pattern allows, every message of it in
    /// order (the bad peer's connection must be gone from the socket's routing by now).</summary>
    public abstract Task AssertGoodPeerCarriesOnAsync();

    /// <summary>The next message a receiving victim gets, from any peer.</summary>
    public virtual string ReceiveString() => throw new NotSupportedException($"a {SocketType} victim is not asked to receive");

    /// <summary>Nothing but the good peer's messages was received (after <see cref="AssertGoodPeerCarriesOnAsync"/>).</summary>
    public abstract void AssertNothingElseReceived();

    public virtual async ValueTask DisposeAsync()
    {
        await Socket.DisposeAsync();
        Listener?.Dispose();
    }

    /// <summary>Publishes probes until the subscriber receives one: its subscription to everything has
    /// reached the publisher.</summary>
    protected static Task SubscribedAsync(PublisherSocket pub, SubscriberSocket sub) =>
        Wait.UntilAsync(
            () =>
            {
                pub.Send(Probe);
                return sub.TryReceive(out var m, TimeSpan.FromMilliseconds(20)) && m.ToString() == Probe;
            },
            "the subscription reaches the publisher");

    private const string Probe = "\u0001probe";

    /// <summary>The next message that is not a subscription probe (later probes may still be queued).</summary>
    protected static string ReceiveSkippingProbes(SubscriberSocket sub)
    {
        string text;
        do
        {
            text = sub.ReceiveString();
        }
        while (text == Probe);
        return text;
    }
}

/// <summary>SERVER, dialled by a good CLIENT and by the bad peer.</summary>
internal sealed class ServerVictim : Victim
{
    private readonly ServerSocket _server = new() { ReceiveTimeout = Timeout, SendTimeout = Timeout };
    private readonly ClientSocket _good = new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
    private uint _goodId;

    public override ZmqSocket Socket => _server;

    public override string PeerType => "CLIENT";

    protected override Task StartGoodPeerAsync(string anyEndpoint)
    {
        _server.Bind(anyEndpoint);
        Bound = _server.LastEndpoint!;
        _good.Connect(Bound);
        _good.Send("before");
        var first = _server.Receive();
        Assert.Equal("before", first.ToString());
        _goodId = first.RoutingId;
        return Task.CompletedTask;
    }

    public override Task AssertGoodPeerCarriesOnAsync()
    {
        for (int i = 0; i < Count; i++)
        {
            _good.Send($"after {i}");
        }
        for (int i = 0; i < Count; i++)
        {
            var m = _server.Receive();
            Assert.Equal($"after {i}", m.ToString());
            Assert.Equal(_goodId, m.RoutingId);
        }
        _server.Send(_goodId, "still serving");
        Assert.Equal("still serving", _good.ReceiveString());
        return Task.CompletedTask;
    }

    public override void AssertNothingElseReceived() =>
        Assert.False(_server.TryReceive(out var m), $"the SERVER received \"{m}\" from routing id {m.RoutingId}");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _good.DisposeAsync();
    }
}

/// <summary>CLIENT, dialling a good SERVER and the bad peer. It sends round-robin, so once the bad
/// connection is gone every message must go to the good SERVER.</summary>
internal sealed class ClientVictim : Victim
{
    private readonly ClientSocket _client = new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, ReconnectInterval = ReconnectInterval };
    private readonly ServerSocket _good = new() { ReceiveTimeout = Timeout, SendTimeout = Timeout, Linger = TimeSpan.Zero };
    private uint _victimId;

    public override ZmqSocket Socket => _client;

    public override string PeerType => "SERVER";

    public override bool Connects => true;

    protected override Task StartGoodPeerAsync(string anyEndpoint)
    {
        _good.Bind(anyEndpoint);
        _client.Connect(_good.LastEndpoint!);
        _client.Send("before");
        var first = _good.Receive();
        Assert.Equal("before", first.ToString());
        _victimId = first.RoutingId;
        return Task.CompletedTask;
    }

    public override Task AssertGoodPeerCarriesOnAsync()
    {
        for (int i = 0; i < Count; i++)
        {
            _client.Send($"after {i}");
        }
        for (int i = 0; i < Count; i++)
        {
            var m = _good.Receive();
            Assert.Equal($"after {i}", m.ToString());
            Assert.Equal(_victimId, m.RoutingId);
        }
        _good.Send(_victimId, "still served");
        Assert.Equal("still served", _client.ReceiveString());
        return Task.CompletedTask;
    }

    public override string ReceiveString() => _client.ReceiveString();

    public override void AssertNothingElseReceived() =>
        Assert.False(_client.TryReceive(out var m), $"the CLIENT received \"{m}\"");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _good.DisposeAsync();
    }
}

/// <summary>PUB, dialled by a good SUB and by the bad peer.</summary>
internal sealed class PubVictim : Victim
{
    private readonly PublisherSocket _pub = new();
    private readonly SubscriberSocket _good = new() { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };

    public override ZmqSocket Socket => _pub;

    public override string PeerType => "SUB";

    protected override async Task StartGoodPeerAsync(string anyEndpoint)
    {
        _pub.Bind(anyEndpoint);
        Bound = _pub.LastEndpoint!;
        _good.Subscribe("");
        _good.Connect(Bound);
        await SubscribedAsync(_pub, _good);
    }

    public override Task AssertGoodPeerCarriesOnAsync()
    {
        for (int i = 0; i < Count; i++)
        {
            _pub.Send($"after {i}");
        }
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal($"after {i}", ReceiveSkippingProbes(_good));
        }
        return Task.CompletedTask;
    }

    /// <summary>A PUB receives nothing an application could see.</summary>
    public override void AssertNothingElseReceived()
    {
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _good.DisposeAsync();
    }
}

/// <summary>SUB, dialling a good PUB and the bad peer, subscribed to everything.</summary>
internal sealed class SubVictim : Victim
{
    private readonly SubscriberSocket _sub = new() { ReceiveTimeout = Timeout, ReconnectInterval = ReconnectInterval };
    private readonly PublisherSocket _good = new() { Linger = TimeSpan.Zero };

    public override ZmqSocket Socket => _sub;

    public override string PeerType => "PUB";

    public override bool Connects => true;

    protected override async Task StartGoodPeerAsync(string anyEndpoint)
    {
        _good.Bind(anyEndpoint);
        _sub.Subscribe("");
        _sub.Connect(_good.LastEndpoint!);
        await SubscribedAsync(_good, _sub);
    }

    public override Task AssertGoodPeerCarriesOnAsync()
    {
        for (int i = 0; i < Count; i++)
        {
            _good.Send($"after {i}");
        }
        for (int i = 0; i < Count; i++)
        {
            Assert.Equal($"after {i}", ReceiveSkippingProbes(_sub));
        }
        return Task.CompletedTask;
    }

    public override string ReceiveString() => ReceiveSkippingProbes(_sub);

    public override void AssertNothingElseReceived() =>
        Assert.False(_sub.TryReceive(out var m), $"the SUB received \"{m}\"");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _good.DisposeAsync();
    }
}
