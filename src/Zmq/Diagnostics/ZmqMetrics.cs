using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Zmq;

/// <summary>
/// The library's metrics, on a <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/> ("Zmq"): watch them live with <c>dotnet-counters monitor --counters Zmq</c>,
/// or export them with OpenTelemetry (<c>AddMeter(ZmqMetrics.MeterName)</c>). Each is tagged with
/// <c>zmq.socket.type</c> and, except the send-blocked time, <c>zmq.endpoint</c> (the bound or
/// connected endpoint; an accepted peer counts under the endpoint it was accepted on).
/// <list type="bullet">
/// <item><c>zmq.messages.sent</c>, <c>zmq.messages.received</c>: whole messages queued to and
/// arrived from peers (a multipart message counts once).</item>
/// <item><c>zmq.bytes.sent</c>, <c>zmq.bytes.received</c>: bytes on the wire over tcp and ipc,
/// framing included (inproc moves no bytes).</item>
/// <item><c>zmq.messages.dropped</c>, with <c>zmq.drop.reason</c>: <c>hwm</c> (a subscriber's queue
/// was full), <c>no_route</c> (queued for a peer that could not take it: dropped on close or after
/// a protocol error), <c>filtered</c> (arrived on a topic no longer subscribed), <c>malformed</c>
/// (a udp datagram that was not a valid message, or one too large to send, dropped by itself
/// where a stream connection would have been closed).</item>
/// <item><c>zmq.peers.connected</c>: connections up now (inproc links included).</item>
/// <item><c>zmq.handshakes.failed</c>, with <c>zmq.failure.reason</c>: <c>timeout</c>,
/// <c>socket_type</c>, <c>greeting</c> (version or mechanism), <c>mechanism</c>, <c>refused</c>
/// (the peer sent ERROR), <c>malformed</c>, <c>disconnected</c>.</item>
/// <item><c>zmq.reconnects</c>: dials after the first to a connected endpoint.</item>
/// <item><c>zmq.send.blocked.time</c>: seconds senders spent waiting for room (at the high-water
/// mark, or with no peer).</item>
/// </list>
/// Counting costs the message path nothing: the counts are the queues' own positions and the
/// engines' byte counts, read only when a listener collects them. Listeners may collect on any
/// thread while the sockets run; a count read then may be a moment behind.
/// </summary>
public static class ZmqMetrics
{
    /// <summary>The name of the library's meter.</summary>
    public const string MeterName = "Zmq";

    private static readonly Meter Meter = new(MeterName, typeof(ZmqMetrics).Assembly.GetName().Version?.ToString(3));

    /// <summary>Sockets not yet disposed, weakly held: one dropped without Dispose is still collectable.</summary>
    private static readonly ConditionalWeakTable<ZmqSocket, object?> Live = [];

    /// <summary>What disposed sockets counted, per type and endpoint, so the counters never go back.</summary>
    private static readonly Dictionary<(string Type, string Endpoint), Diagnostics.EndpointTotals> Retired = [];

    private static readonly Lock Gate = new();

    private static readonly Counter<long> HandshakesFailed = Meter.CreateCounter<long>("zmq.handshakes.failed", "{handshake}", "ZMTP handshakes that failed, by reason");
    private static readonly Counter<long> Reconnects = Meter.CreateCounter<long>("zmq.reconnects", "{connection}", "Dials after the first to a connected endpoint");
    private static readonly Counter<double> SendBlocked = Meter.CreateCounter<double>("zmq.send.blocked.time", "s", "Time senders spent waiting for room to send");

    static ZmqMetrics()
    {
        Observe("zmq.messages.sent", "{message}", "Messages queued to peers", t => t.MessagesSent);
        Observe("zmq.messages.received", "{message}", "Messages arrived from peers", t => t.MessagesReceived);
        Observe("zmq.bytes.sent", "By", "Bytes written to tcp and ipc connections", t => t.BytesSent);
        Observe("zmq.bytes.received", "By", "Bytes read from tcp and ipc connections", t => t.BytesReceived);
        Meter.CreateObservableCounter("zmq.messages.dropped", () => Measure(Dropped), "{message}", "Messages dropped, by reason");
        Meter.CreateObservableUpDownCounter("zmq.peers.connected", () => Measure(t => t.PeersConnected, liveOnly: true), "{connection}", "Connections up now");
    }

    private static void Observe(string name, string unit, string description, Func<Diagnostics.EndpointTotals, long> value) =>
        Meter.CreateObservableCounter(name, () => Measure(value), unit, description);

    private static IEnumerable<Measurement<long>> Dropped(KeyValuePair<(string Type, string Endpoint), Diagnostics.EndpointTotals> row)
    {
        yield return new(row.Value.DroppedAtHwm, Tags(row.Key, "zmq.drop.reason", "hwm"));
        yield return new(row.Value.DroppedNoRoute, Tags(row.Key, "zmq.drop.reason", "no_route"));
        yield return new(row.Value.DroppedFiltered, Tags(row.Key, "zmq.drop.reason", "filtered"));
        yield return new(row.Value.DroppedMalformed, Tags(row.Key, "zmq.drop.reason", "malformed"));
    }

    private static List<Measurement<long>> Measure(Func<Diagnostics.EndpointTotals, long> value, bool liveOnly = false) =>
        Measure(row => [new(value(row.Value), Tags(row.Key))], liveOnly);

    private static List<Measurement<long>> Measure(Func<KeyValuePair<(string Type, string Endpoint), Diagnostics.EndpointTotals>, IEnumerable<Measurement<long>>> rows, bool liveOnly = false)
    {
        var totals = new Dictionary<(string Type, string Endpoint), Diagnostics.EndpointTotals>();
        lock (Gate)
        {
            if (!liveOnly)
            {
                foreach (var (key, value) in Retired)
                {
                    totals[key] = value;
                }
            }
            foreach (var (socket, _) in Live)
            {
                socket.AddMetrics(totals);
            }
        }
        return [.. totals.SelectMany(rows)];
    }

    private static KeyValuePair<string, object?>[] Tags((string Type, string Endpoint) key, string? name = null, string? value = null) =>
        name == null
            ? [new("zmq.socket.type", key.Type), new("zmq.endpoint", key.Endpoint)]
            : [new("zmq.socket.type", key.Type), new("zmq.endpoint", key.Endpoint), new(name, value)];

    internal static void Register(ZmqSocket socket)
    {
        lock (Gate)
        {
            Live.Add(socket, null);
        }
    }

    /// <summary>A disposed socket's counts are kept under its type and endpoints.</summary>
    internal static void Retire(ZmqSocket socket)
    {
        lock (Gate)
        {
            if (Live.Remove(socket))
            {
                socket.AddMetrics(Retired, live: false);
            }
        }
    }

    internal static void HandshakeFailed(string socketType, string endpoint, string reason)
    {
        if (HandshakesFailed.Enabled)
        {
            HandshakesFailed.Add(1, new("zmq.socket.type", socketType), new("zmq.endpoint", endpoint), new("zmq.failure.reason", reason));
        }
    }

    internal static void Reconnect(string socketType, string endpoint)
    {
        if (Reconnects.Enabled)
        {
            Reconnects.Add(1, new("zmq.socket.type", socketType), new("zmq.endpoint", endpoint));
        }
    }

    /// <summary>Called by a sender that waited, with the timestamp its wait began.</summary>
    internal static void SenderBlocked(string socketType, long since)
    {
        if (SendBlocked.Enabled)
        {
            SendBlocked.Add(Stopwatch.GetElapsedTime(since).TotalSeconds, new KeyValuePair<string, object?>("zmq.socket.type", socketType));
        }
    }
}
