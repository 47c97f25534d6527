using System.Diagnostics;
using System.Globalization;
using Zmq.Cli;

namespace Zmq.Cli.Tests;

/// <summary>zmq monitor as a process, with this test playing the peer its events are about.</summary>
public class MonitorProcessTests
{
    private static readonly TimeSpan Limit = ZmqTool.Limit;

    [Fact]
    public async Task Server_prints_listening_accepted_and_handshake_then_exits_after_count()
    {
        using var monitor = ZmqTool.Start("monitor", "--type", "server", "--bind", "tcp://127.0.0.1:*", "--count", "3");
        try
        {
            string endpoint = await BoundEndpoint(monitor);
            await using var client = new ClientSocket();
            client.Connect(endpoint);

            string stdout = await monitor.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
            await monitor.WaitForExitAsync().WaitAsync(Limit);

            Assert.Equal(0, monitor.ExitCode);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(3, lines.Length);
            Assert.StartsWith($"Listening {endpoint}", EventOf(lines[0]), StringComparison.Ordinal);
            Assert.StartsWith($"Accepted {endpoint} peer 127.0.0.1:", EventOf(lines[1]), StringComparison.Ordinal);
            Assert.Contains("(CLIENT)", EventOf(lines[2]), StringComparison.Ordinal);
            Assert.StartsWith("HandshakeSucceeded", EventOf(lines[2]), StringComparison.Ordinal);
        }
        finally
        {
            ZmqTool.KillIfRunning(monitor);
        }
    }

    [Fact]
    public async Task Client_discards_what_it_receives_so_the_sender_never_waits_and_SIGTERM_exits_0()
    {
        await using var server = new ServerSocket { SendHighWatermark = 100, SendTimeout = TimeSpan.FromSeconds(10) };
        var serverEvents = server.Monitor();
        server.Bind("tcp://127.0.0.1:*");
        using var monitor = ZmqTool.Start("monitor", "--type", "client", "--connect", server.LastEndpoint!);
        try
        {
            uint peer = await HandshakeWith(serverEvents);
            Assert.StartsWith("Connected", EventOf(await monitor.StandardOutput.ReadLineAsync().WaitAsync(Limit)), StringComparison.Ordinal);
            Assert.StartsWith("HandshakeSucceeded", EventOf(await monitor.StandardOutput.ReadLineAsync().WaitAsync(Limit)), StringComparison.Ordinal);

            // Far more than the queues and kernel buffers on the way hold (about 10 MB): a monitor
            // that did not read would make Send wait out its timeout and throw.
            var payload = new byte[1024];
            await Task.Run(() =>
            {
                for (int i = 0; i < 50_000; i++)
                {
                    server.Send(peer, payload);
                }
            }).WaitAsync(Limit);

            using (var kill = Process.Start("kill", ["-TERM", monitor.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().WaitAsync(Limit);
            }
            await monitor.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, monitor.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(monitor);
        }
    }

    [Fact]
    public async Task Subscriber_connects_to_a_publisher_with_its_subscriptions()
    {
        await using var pub = new PublisherSocket();
        pub.Bind("ipc://*");
        var (code, stdout, _) = await ZmqTool.RunAsync("monitor", "--type", "sub", "--connect", pub.LastEndpoint!, "--subscribe", "", "--count", "2");

        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"Connected {pub.LastEndpoint}", EventOf(lines[0]), StringComparison.Ordinal);
        Assert.StartsWith($"HandshakeSucceeded {pub.LastEndpoint}", EventOf(lines[1]), StringComparison.Ordinal);
        Assert.Contains("(PUB)", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_given_alone_is_connected_to_and_a_dish_can_be_watched()
    {
        await using var radio = new RadioSocket();
        radio.Bind("tcp://127.0.0.1:*");
        using var monitor = ZmqTool.Start("monitor", radio.LastEndpoint!, "--type", "dish", "--join", "g");
        try
        {
            Assert.StartsWith($"Connected {radio.LastEndpoint}", EventOf(await monitor.StandardOutput.ReadLineAsync().WaitAsync(Limit)), StringComparison.Ordinal);
            Assert.Contains("(RADIO)", EventOf(await monitor.StandardOutput.ReadLineAsync().WaitAsync(Limit)), StringComparison.Ordinal);
        }
        finally
        {
            ZmqTool.KillIfRunning(monitor);
        }
    }

    [Fact]
    public async Task A_failed_bind_prints_its_event_and_exits_1()
    {
        await using var holder = new ServerSocket();
        holder.Bind("tcp://127.0.0.1:*");
        var (code, stdout, stderr) = await ZmqTool.RunAsync("monitor", "--type", "server", "--bind", holder.LastEndpoint!);

        Assert.Equal(1, code);
        Assert.StartsWith($"BindFailed {holder.LastEndpoint}", EventOf(stdout.TrimEnd('\n')), StringComparison.Ordinal);
        Assert.Contains(holder.LastEndpoint!, stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("monitor", "--type", "dealer", "--bind", "tcp://127.0.0.1:*")]
    [InlineData("monitor", "--type", "server")]
    [InlineData("monitor", "--type", "pub", "--bind", "tcp://127.0.0.1:*", "--subscribe", "a")]
    [InlineData("monitor", "--type", "sub", "--connect", "tcp://127.0.0.1:1", "--count", "0")]
    public void Bad_usage_exits_2(params string[] args) => Assert.Equal(2, Program.Main(args));

    [Fact]
    public void An_event_line_is_its_UTC_time_then_the_event()
    {
        var e = new SocketEvent(SocketEventType.Disconnected, "tcp://127.0.0.1:5555")
        {
            Time = new DateTimeOffset(2026, 1, 2, 4, 4, 5, TimeSpan.FromHours(1)).AddTicks(1234567),
            PeerAddress = "127.0.0.1:40000",
            Reason = "peer closed",
        };

        Assert.Equal("2026-01-02T03:04:05.123456Z Disconnected tcp://127.0.0.1:5555 peer 127.0.0.1:40000: peer closed", MonitorCommand.Format(e));
    }

    private static async Task<string> BoundEndpoint(Process monitor)
    {
        string? bound = await monitor.StandardError.ReadLineAsync().WaitAsync(Limit);
        Assert.StartsWith("bound ", bound, StringComparison.Ordinal);
        return bound!["bound ".Length..];
    }

    private static async Task<uint> HandshakeWith(System.Threading.Channels.ChannelReader<SocketEvent> events)
    {
        using var cts = new CancellationTokenSource(Limit);
        await foreach (var e in events.ReadAllAsync(cts.Token))
        {
            if (e.Type == SocketEventType.HandshakeSucceeded)
            {
                return e.RoutingId;
            }
        }
        throw new InvalidOperationException("the server's monitor ended before a handshake");
    }

    /// <summary>The event part of a line, after checking the line starts with an ISO-8601 UTC time.</summary>
    private static string EventOf(string? line)
    {
        Assert.NotNull(line);
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        Assert.True(space > 0, $"no time in '{line}'");
        Assert.True(DateTimeOffset.TryParseExact(line[..space], "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var time), $"'{line[..space]}' is not an ISO-8601 UTC time");
        Assert.InRange(time, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        return line[(space + 1)..];
    }
}
