using Microsoft.Extensions.Logging;
using Zmq.Tests.Support;

namespace Zmq.Tests.Sockets;

/// <summary>
/// A malformed or hostile peer loses its own connection, with a log entry that says why, and nothing
/// else: the socket keeps serving its good peer and none of that peer's messages is lost. A connecting
/// socket does not dial a peer that broke the protocol again. Each case runs against SERVER and PUB
/// (dialled by the bad peer) and CLIENT and SUB (dialling it), over each stream transport.
/// </summary>
public abstract class BadPeerTests : TransportTestBase
{
    public static TheoryData<VictimKind> Victims => [VictimKind.Server, VictimKind.Client, VictimKind.Pub, VictimKind.Sub];

    public static TheoryData<VictimKind, Impostor> VictimsAndImpostors
    {
        get
        {
            var data = new TheoryData<VictimKind, Impostor>();
            foreach (var victim in Enum.GetValues<VictimKind>())
            {
                foreach (var impostor in Enum.GetValues<Impostor>())
                {
                    data.Add(victim, impostor);
                }
            }
            return data;
        }
    }

    /// <summary>Long enough for a dozen re-dials at <see cref="Victim.ReconnectInterval"/>.</summary>
    private static readonly TimeSpan RedialWindow = TimeSpan.FromMilliseconds(300);

    /// <summary>How the bad connection ends, as logged.</summary>
    private enum End
    {
        /// <summary>A protocol error, logged as a warning with the reason: never dialled again.</summary>
        ProtocolError,

        /// <summary>A handshake timeout, logged as a warning with the reason: dialled again, as in libzmq.</summary>
        HandshakeTimeout,

        /// <summary>The peer hung up: logged as the end of the connection, dialled again.</summary>
        HungUp,
    }

    /// <summary>Sets the bad peer on the victim (whose options <paramref name="configure"/> may change
    /// first), then checks that the bad connection is closed and logged with <paramref name="reason"/>,
    /// that a connecting victim dials it again only if it did not break the protocol, and that the
    /// good peer carries on.</summary>
    private Task AssertOnlyTheBadPeerIsDropped(
        VictimKind kind, Func<Victim, RawPeer, Task> misbehave, string reason, End end = End.ProtocolError, Action<ZmqSocket>? configure = null) =>
        AssertOnlyTheBadPeerIsDropped(kind, misbehave, _ => reason, end, configure);

    private async Task AssertOnlyTheBadPeerIsDropped(
        VictimKind kind, Func<Victim, RawPeer, Task> misbehave, Func<Victim, string> reasonFor, End end = End.ProtocolError, Action<ZmqSocket>? configure = null)
    {
        await using var victim = await Victim.StartAsync(kind, AnyEndpoint);
        string reason = reasonFor(victim);
        configure?.Invoke(victim.Socket);
        await using var bad = await victim.AddBadPeerAsync();
        await misbehave(victim, bad);
        Assert.True(await bad.WaitClosedAsync(Timeout), $"the {victim.SocketType} must close the bad peer's connection");

        if (end == End.HungUp)
        {
            var ended = await victim.Log.WaitForAsync(RecordingLogger.DisconnectedId, reason);
            Assert.StartsWith($"{victim.SocketType} ", ended.Message, StringComparison.Ordinal);
            // Hanging up, even mid-frame, is how connections end: not a protocol error.
            Assert.DoesNotContain(victim.Log.Entries, e => e.EventId.Id == RecordingLogger.ProtocolErrorId);
        }
        else
        {
            var logged = await victim.Log.WaitForAsync(RecordingLogger.ProtocolErrorId, reason);
            Assert.Equal(LogLevel.Warning, logged.Level);
            Assert.StartsWith($"{victim.SocketType} ", logged.Message, StringComparison.Ordinal);
        }

        if (victim.Listener is { } listener)
        {
            if (end == End.ProtocolError)
            {
                await listener.AssertNoConnectionWithinAsync(RedialWindow, "a peer that broke the protocol must not be dialled again");
                // Logged once the endpoint is given up, its queue and routing gone with it.
                await victim.Log.WaitForAsync(RecordingLogger.ReconnectStoppedId, listener.Endpoint);
            }
            else
            {
                // The control for the case above: a peer that did not break the protocol is dialled
                // again, and served: what it sends then arrives alone, nothing of the last
                // connection's cut-short message before it.
                await using var again = await listener.AcceptAsync(Timeout);
                await again.HandshakeAsync(victim.PeerType);
                await again.SendAsync(RawPeer.MessageFrame("after the redial"));
                Assert.Equal("after the redial", victim.ReceiveString());
                // The endpoint keeps a queue of its own while it is dialled: with it gone, the good
                // peer is the only one left.
                victim.Socket.Disconnect(listener.Endpoint);
            }
        }

        await victim.AssertGoodPeerCarriesOnAsync();
        victim.AssertNothingElseReceived();
    }

    [Theory]
    [MemberData(nameof(Victims))]
    public Task GarbageInsteadOfAGreeting_ClosesThatConnectionOnly(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim, (_, p) => p.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray()), "invalid greeting signature: first byte 0x47");

    [Theory]
    [MemberData(nameof(Victims))]
    public Task WrongSignatureByte9_ClosesThatConnectionOnly(VictimKind victim)
    {
        var greeting = RawPeer.Greeting();
        greeting[9] = 0x00;
        return AssertOnlyTheBadPeerIsDropped(victim, (_, p) => p.SendAsync(greeting), "invalid greeting signature: byte 9 is 0x00");
    }

    [Theory]
    [MemberData(nameof(Victims))]
    public Task ZmtpVersion2Peer_IsRefused(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(victim, (_, p) => p.SendAsync(RawPeer.Greeting(major: 2)), "unsupported ZMTP version 2");

    [Theory]
    [MemberData(nameof(Victims))]
    public Task UnsupportedMechanism_ClosesThatConnectionOnly(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim, (v, p) => p.SendAsync(RawPeer.Greeting("PLAIN"), RawPeer.Ready(v.PeerType)), "security mechanism mismatch: peer uses PLAIN");

    [Theory]
    [MemberData(nameof(VictimsAndImpostors))]
    public Task IncompatibleSocketType_ClosesThatConnectionOnly(VictimKind victim, Impostor impostor) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            (v, p) => p.SendAsync(RawPeer.Greeting(), RawPeer.Ready(v.Impersonate(impostor))),
            v => $"incompatible socket type: peer is {v.Impersonate(impostor)}, a {v.SocketType} accepts only");

    [Theory]
    [MemberData(nameof(Victims))]
    public Task MessageFrameInsteadOfReady_ClosesThatConnectionOnly(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim, (_, p) => p.SendAsync(RawPeer.Greeting(), RawPeer.MessageFrame("hello")), "expected a READY command after the greeting, got a message frame");

    [Theory]
    [MemberData(nameof(Victims))]
    public Task PeerHangingUpMidFrame_IsClosedWithoutDeliveringThePartialFrame(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            async (v, p) =>
            {
                await p.HandshakeAsync(v.PeerType);
                // A frame that announces 200 bytes and has 3.
                await p.SendAsync([0x00, 200, 1, 2, 3]);
                p.HangUp();
            },
            "ended (Disconnected)",
            End.HungUp);

    [Theory]
    [MemberData(nameof(Victims))]
    public Task PeerHangingUpMidMessage_IsClosedWithoutDeliveringItsFirstFrames(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            async (v, p) =>
            {
                await p.HandshakeAsync(v.PeerType);
                // Two whole frames, each saying that more follow.
                await p.SendAsync(RawPeer.MessageFrame("part 1", more: true), RawPeer.MessageFrame("part 2", more: true));
                p.HangUp();
            },
            "ended (Disconnected)",
            End.HungUp);

    [Theory]
    [MemberData(nameof(Victims))]
    public Task FrameOverMaxMessageSize_ClosesThatConnectionBeforeBufferingIt(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            async (v, p) =>
            {
                await p.HandshakeAsync(v.PeerType);
                // Announce 1 GiB and send none of it: the header alone must end the connection.
                await p.SendAsync([0x02, 0, 0, 0, 0, 0x40, 0, 0, 0]);
            },
            "message frame of 1073741824 bytes exceeds MaxMessageSize (1024)",
            configure: s => s.MaxMessageSize = 1024);

    [Theory]
    [MemberData(nameof(Victims))]
    public Task CommandWithImpossibleLength_ClosesThatConnectionOnly(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            async (v, p) =>
            {
                await p.HandshakeAsync(v.PeerType);
                // A long command frame whose size has the top bit set: beyond ZMTP's 2^63-1.
                await p.SendAsync([0x06, 0x80, 0, 0, 0, 0, 0, 0, 0]);
            },
            "exceeds the ZMTP maximum of 2^63-1");

    [Theory]
    [MemberData(nameof(Victims))]
    public Task CommandNameLongerThanItsFrame_ClosesThatConnectionOnly(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            async (v, p) =>
            {
                await p.HandshakeAsync(v.PeerType);
                await p.SendAsync([0x04, 0x03, 0x09, (byte)'P', (byte)'I']);
            },
            "command name length 9 does not fit a 3-byte command");

    [Theory]
    [MemberData(nameof(Victims))]
    public Task ReservedFlagBits_CloseThatConnectionOnly(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            async (v, p) =>
            {
                await p.HandshakeAsync(v.PeerType);
                await p.SendAsync([0x80, 0x01, 0x41]);
            },
            "invalid frame flags 0x80: reserved bits are set");

    [Theory]
    [MemberData(nameof(Victims))]
    public Task SilentPeer_IsClosedAfterTheHandshakeInterval(VictimKind victim) =>
        AssertOnlyTheBadPeerIsDropped(
            victim,
            (_, _) => Task.CompletedTask,
            "handshake not finished within 200 ms",
            End.HandshakeTimeout,
            s => s.HandshakeInterval = TimeSpan.FromMilliseconds(200));

    [Fact]
    public async Task HandshakeIntervalZero_IsNoLimit_AsLibzmqsZero()
    {
        await using var server = new ServerSocket { HandshakeInterval = TimeSpan.Zero, Linger = TimeSpan.Zero };
        var events = server.Monitor();
        server.Bind(AnyEndpoint);
        await using var peer = await Support.RawPeer.ConnectAsync(server.LastEndpoint!);

        // Silent until the server has taken the connection: a zero taken as a limit fails it at once,
        // before the server even sends its greeting, and the handshake below then finds it closed.
        await Support.Events.NextAsync(events, SocketEventType.Accepted);
        await peer.HandshakeAsync("CLIENT");
        await peer.SendAsync(Support.RawPeer.MessageFrame("late but welcome"));
        Assert.Equal("late but welcome", server.ReceiveString());
    }
}

public sealed class BadPeerOverTcp : BadPeerTests
{
    protected override string AnyEndpoint => "tcp://127.0.0.1:*";
}

public sealed class BadPeerOverIpc : BadPeerTests
{
    protected override string AnyEndpoint => "ipc://*";
}
