namespace Zmq.Cli.Tests;

/// <summary>Runs the real executable, since cat is about stdin, stdout, stderr and exit codes.</summary>
public class CatProcessTests
{
    private static readonly TimeSpan Limit = ZmqTool.Limit;

    [Fact]
    public async Task Client_lines_come_back_from_an_echo_server()
    {
        using var server = ZmqTool.Start("cat", "--type", "server", "--bind", "tcp://127.0.0.1:*", "--echo", "--count", "2");
        try
        {
            string? bound = await server.StandardError.ReadLineAsync().WaitAsync(Limit);
            Assert.StartsWith("bound tcp://127.0.0.1:", bound);
            string endpoint = bound!["bound ".Length..];

            using var client = ZmqTool.Start("cat", "--type", "client", "--connect", endpoint, "--count", "2");
            await client.StandardInput.WriteAsync("a\nb\n");
            client.StandardInput.Close();
            await PrintsThenExitsAsync(client, "a\nb\n");

            await PrintsThenExitsAsync(server, "a\nb\n");
        }
        finally
        {
            ZmqTool.KillIfRunning(server);
        }
    }

    /// <summary>Waits for the process to end having printed exactly <paramref name="expected"/>, with exit code 0.</summary>
    private static async Task PrintsThenExitsAsync(System.Diagnostics.Process process, string expected)
    {
        string printed = await process.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
        await process.WaitForExitAsync().WaitAsync(Limit);
        Assert.Equal(expected, printed);
        Assert.Equal(0, process.ExitCode);
    }

    /// <summary>Starts a binding cat and returns it with the endpoint it printed.</summary>
    private static Task<(System.Diagnostics.Process Process, string Endpoint)> BindAsync(params string[] args) => BindOnAsync("tcp", args);

    private static async Task<(System.Diagnostics.Process Process, string Endpoint)> BindOnAsync(string transport, params string[] args)
    {
        var p = ZmqTool.Start(["cat", .. args, "--bind", $"{transport}://127.0.0.1:*"]);
        string? bound = await p.StandardError.ReadLineAsync().WaitAsync(Limit);
        Assert.StartsWith($"bound {transport}://127.0.0.1:", bound);
        return (p, bound!["bound ".Length..]);
    }

    [Fact]
    public async Task Push_lines_reach_a_pull_with_their_tab_separated_frames()
    {
        var (pull, endpoint) = await BindAsync("--type", "PULL", "--count", "2");
        try
        {
            using var push = ZmqTool.Start("cat", "--type", "push", "--connect", endpoint);
            await push.StandardInput.WriteAsync("one\ttwo\nthree\n");
            push.StandardInput.Close();
            // A type that only sends exits once stdin has ended and its messages are delivered.
            await push.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, push.ExitCode);

            await PrintsThenExitsAsync(pull, "one\ttwo\nthree\n");
        }
        finally
        {
            ZmqTool.KillIfRunning(pull);
        }
    }

    [Theory]
    [InlineData("dealer")]
    [InlineData("pair")]
    public async Task An_echoing_socket_sends_each_message_back_whole(string type)
    {
        var (echo, endpoint) = await BindAsync("--type", type, "--echo", "--count", "2");
        try
        {
            using var talker = ZmqTool.Start("cat", "--type", type, "--connect", endpoint, "--count", "2");
            await talker.StandardInput.WriteAsync("a\t\tb\nc\n");
            talker.StandardInput.Close();
            await PrintsThenExitsAsync(talker, "a\t\tb\nc\n");

            string seen = await echo.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
            await echo.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal("a\t\tb\nc\n", seen);
        }
        finally
        {
            ZmqTool.KillIfRunning(echo);
        }
    }

    [Fact]
    public async Task A_sub_prints_only_what_it_subscribed_to_from_a_pub()
    {
        var (sub, endpoint) = await BindAsync("--type", "sub", "--subscribe", "news", "--count", "2");
        try
        {
            using var pub = ZmqTool.Start("cat", "--type", "pub", "--connect", endpoint);
            try
            {
                // A PUB sends nobody what it publishes before the subscription has arrived: publish
                // until the SUB has had its two messages.
                var subDone = sub.WaitForExitAsync();
                for (int i = 0; !subDone.IsCompleted; i++)
                {
                    Assert.True(i < 400, "the SUB never got its two messages");
                    await pub.StandardInput.WriteAsync($"sport {i}\nnews {i}\n");
                    await pub.StandardInput.FlushAsync();
                    await Task.WhenAny(subDone, Task.Delay(25));
                }
                string got = await sub.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
                Assert.Equal(0, sub.ExitCode);
                string[] lines = got.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.Equal(2, lines.Length);
                Assert.All(lines, l => Assert.StartsWith("news ", l, StringComparison.Ordinal));

                pub.StandardInput.Close();
                await pub.WaitForExitAsync().WaitAsync(Limit);
                Assert.Equal(0, pub.ExitCode);
            }
            finally
            {
                ZmqTool.KillIfRunning(pub);
            }
        }
        finally
        {
            ZmqTool.KillIfRunning(sub);
        }
    }

    [Fact]
    public async Task An_xpub_prints_an_xsubs_subscription_and_the_xsub_gets_what_it_asked_for()
    {
        var (xpub, endpoint) = await BindAsync("--type", "xpub");
        try
        {
            using var xsub = ZmqTool.Start("cat", "--type", "xsub", "--connect", endpoint, "--subscribe", "news", "--count", "1");
            try
            {
                // The subscription message: 0x01, then the prefix.
                Assert.Equal("\u0001news", await xpub.StandardOutput.ReadLineAsync().WaitAsync(Limit));
                await xpub.StandardInput.WriteAsync("sport: not asked for\nnews: asked for\n");
                await xpub.StandardInput.FlushAsync();
                await PrintsThenExitsAsync(xsub, "news: asked for\n");
            }
            finally
            {
                ZmqTool.KillIfRunning(xsub);
            }
        }
        finally
        {
            ZmqTool.KillIfRunning(xpub);
        }
    }

    [Fact]
    public async Task Scatter_lines_reach_a_gather()
    {
        var (gather, endpoint) = await BindAsync("--type", "gather", "--count", "2");
        try
        {
            using var scatter = ZmqTool.Start("cat", "--type", "scatter", "--connect", endpoint);
            await scatter.StandardInput.WriteAsync("one two\nthree\n");
            scatter.StandardInput.Close();
            await scatter.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, scatter.ExitCode);

            await PrintsThenExitsAsync(gather, "one two\nthree\n");
        }
        finally
        {
            ZmqTool.KillIfRunning(gather);
        }
    }

    [Theory]
    [InlineData("channel")]
    [InlineData("peer")]
    public async Task A_channel_or_peer_with_echo_sends_each_line_back_to_the_peer_that_dialled_it(string type)
    {
        var (echo, endpoint) = await BindAsync("--type", type, "--echo", "--count", "2");
        try
        {
            using var talker = ZmqTool.Start("cat", "--type", type, "--connect", endpoint, "--count", "2");
            await talker.StandardInput.WriteAsync("a\nb\n");
            talker.StandardInput.Close();
            await PrintsThenExitsAsync(talker, "a\nb\n");

            string seen = await echo.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
            await echo.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal("a\nb\n", seen);
        }
        finally
        {
            ZmqTool.KillIfRunning(echo);
        }
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("udp")]
    public async Task A_radio_reaches_a_dish_that_joined_its_group_and_the_dish_prints_bodies_only(string transport)
    {
        var (dish, endpoint) = await BindOnAsync(transport, "--type", "dish", "--join", "weather", "--count", "1");
        try
        {
            using var radio = ZmqTool.Start("cat", "--type", "radio", "--group", "weather", "--connect", endpoint);
            // A RADIO drops what no DISH has joined yet: repeat the line until the JOIN has arrived.
            var printed = dish.StandardOutput.ReadToEndAsync();
            var deadline = DateTime.UtcNow + Limit;
            while (!dish.HasExited && DateTime.UtcNow < deadline)
            {
                await radio.StandardInput.WriteAsync("rain\n");
                await radio.StandardInput.FlushAsync();
                await Task.WhenAny(dish.WaitForExitAsync(), Task.Delay(50));
            }
            ZmqTool.KillIfRunning(radio);
            Assert.Equal("rain\n", await printed.WaitAsync(Limit));
            Assert.Equal(0, dish.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(dish);
        }
    }

    [Fact]
    public async Task A_dgram_line_is_an_address_a_tab_and_a_body_both_ways()
    {
        var (echo, echoEndpoint) = await BindOnAsync("udp", "--type", "dgram", "--echo", "--count", "1");
        try
        {
            var (talker, talkerEndpoint) = await BindOnAsync("udp", "--type", "dgram", "--count", "1");
            try
            {
                string echoAddress = echoEndpoint["udp://".Length..];
                await talker.StandardInput.WriteAsync($"{echoAddress}\thello\n");
                await talker.StandardInput.FlushAsync();
                string back = await talker.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
                Assert.Equal($"{echoAddress}\thello\n", back);
                string seen = await echo.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
                Assert.Equal($"{talkerEndpoint["udp://".Length..]}\thello\n", seen);
            }
            finally
            {
                ZmqTool.KillIfRunning(talker);
            }
        }
        finally
        {
            ZmqTool.KillIfRunning(echo);
        }
    }

    [Fact]
    public async Task A_plain_server_lets_in_only_its_users_and_a_refused_client_delivers_nothing()
    {
        var (pull, endpoint) = await BindAsync("--type", "pull", "--count", "1", "--plain-server", "admin:se:cret", "--plain-server", "guest:guest");
        try
        {
            // A wrong password first: its line must never arrive.
            using (var wrong = ZmqTool.Start("cat", "--type", "push", "--connect", endpoint, "--plain", "admin:guess"))
            {
                await wrong.StandardInput.WriteAsync("from the wrong password\n");
                wrong.StandardInput.Close();
                await wrong.WaitForExitAsync().WaitAsync(Limit);
            }
            using var right = ZmqTool.Start("cat", "--type", "push", "--connect", endpoint, "--plain", "admin:se:cret");
            await right.StandardInput.WriteAsync("from admin\n");
            right.StandardInput.Close();
            await right.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, right.ExitCode);

            Assert.Equal("from admin\n", await pull.StandardOutput.ReadToEndAsync().WaitAsync(Limit));
            await pull.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, pull.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(pull);
        }
    }

    [Fact]
    public async Task A_curve_server_talks_only_to_clients_that_know_its_public_key()
    {
        var (_, keygen, _) = await ZmqTool.RunAsync("keygen");
        var lines = keygen.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string publicKey = lines[0]["public: ".Length..], secretKey = lines[1]["secret: ".Length..];
        var (pull, endpoint) = await BindAsync("--type", "pull", "--count", "1", "--curve-server", secretKey);
        try
        {
            var (_, otherKeys, _) = await ZmqTool.RunAsync("keygen");
            string wrongKey = otherKeys.Split('\n')[0]["public: ".Length..];
            using (var wrong = ZmqTool.Start("cat", "--type", "push", "--connect", endpoint, "--curve-server-key", wrongKey))
            {
                await wrong.StandardInput.WriteAsync("to the wrong key\n");
                wrong.StandardInput.Close();
                await wrong.WaitForExitAsync().WaitAsync(Limit);
            }
            using var right = ZmqTool.Start("cat", "--type", "push", "--connect", endpoint, "--curve-server-key", publicKey);
            await right.StandardInput.WriteAsync("encrypted\n");
            right.StandardInput.Close();
            await right.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, right.ExitCode);

            Assert.Equal("encrypted\n", await pull.StandardOutput.ReadToEndAsync().WaitAsync(Limit));
            await pull.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, pull.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(pull);
        }
    }

    [Theory]
    [InlineData("--curve-server", "not a key")]
    [InlineData("--curve-server-key", "0000000000000000000000000000000000000000x")]
    public async Task A_curve_key_that_is_not_40_z85_characters_exits_2_and_says_so(string option, string value)
    {
        var (code, _, stderr) = await ZmqTool.RunAsync("cat", "--type", "push", option, value, "--connect", "tcp://127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Contains("40 Z85 characters", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--plain", "nocolon")]
    [InlineData("--plain-server", "nocolon")]
    public async Task Plain_credentials_without_a_colon_exit_2_and_say_what_is_expected(string option, string value)
    {
        var (code, _, stderr) = await ZmqTool.RunAsync("cat", "--type", "push", option, value, "--connect", "tcp://127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Contains("USER:PASSWORD", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_type_exits_2_and_lists_the_valid_ones()
    {
        var (code, _, stderr) = await ZmqTool.RunAsync("cat", "--type", "carrier", "--connect", "tcp://127.0.0.1:1");
        Assert.Equal(2, code);
        Assert.Contains("client, server, pair, pub, sub, xpub, xsub, push, pull, req, rep, dealer, router", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--type", "push", "--subscribe", "x")]
    [InlineData("--type", "pull", "--echo")]
    [InlineData("--type", "pub", "--group", "g")]
    [InlineData("--type", "sub", "--join", "g")]
    public async Task An_option_that_does_not_fit_the_type_exits_2_and_says_so(params string[] args)
    {
        var (code, _, stderr) = await ZmqTool.RunAsync(["cat", .. args, "--connect", "tcp://127.0.0.1:1"]);
        Assert.Equal(2, code);
        Assert.Contains(args[2][2..], stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_router_prints_the_peers_identity_in_hex_first_and_echoes_by_it()
    {
        var (router, endpoint) = await BindAsync("--type", "router", "--echo", "--count", "2");
        try
        {
            using var dealer = ZmqTool.Start("cat", "--type", "dealer", "--connect", endpoint, "--count", "2");
            await dealer.StandardInput.WriteAsync("a\tb\nc\n");
            dealer.StandardInput.Close();
            string back = await dealer.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
            await dealer.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal("a\tb\nc\n", back);

            string[] seen = (await router.StandardOutput.ReadToEndAsync().WaitAsync(Limit)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await router.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(2, seen.Length);
            // A generated identity: 0x00 and a 32-bit counter, the same for both messages.
            Assert.Matches("^0x00[0-9a-f]{8}\ta\tb$", seen[0]);
            Assert.Equal(seen[0].Split('\t')[0] + "\tc", seen[1]);
            Assert.Equal(0, router.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(router);
        }
    }

    [Fact]
    public async Task A_stream_prints_a_plain_tcp_peers_lines_and_notices_under_its_identity_and_echoes_only_the_data()
    {
        var (stream, endpoint) = await BindAsync("--type", "stream", "--echo", "--count", "3");
        try
        {
            var uri = new Uri(endpoint.Replace("tcp://", "http://", StringComparison.Ordinal));
            using (var peer = new System.Net.Sockets.TcpClient())
            {
                await peer.ConnectAsync(uri.Host, uri.Port);
                var net = peer.GetStream();
                await net.WriteAsync("ping\n"u8.ToArray());
                var back = new byte[5];
                await net.ReadExactlyAsync(back).AsTask().WaitAsync(Limit);
                Assert.Equal("ping\n", System.Text.Encoding.ASCII.GetString(back));
            }

            string[] seen = (await stream.StandardOutput.ReadToEndAsync().WaitAsync(Limit)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            await stream.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(3, seen.Length);
            string id = seen[0].Split('\t')[0];
            Assert.Matches("^0x00[0-9a-f]{8}$", id);
            Assert.Equal([id + "\t", id + "\tping", id + "\t"], seen);
            Assert.Equal(0, stream.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(stream);
        }
    }

    [Fact]
    public async Task A_req_sends_a_line_prints_the_reply_then_sends_the_next_and_exits_at_the_end_of_stdin()
    {
        var (rep, endpoint) = await BindAsync("--type", "rep", "--count", "2");
        try
        {
            await rep.StandardInput.WriteAsync("answer 1\nanswer\t2\n");
            rep.StandardInput.Close();
            using var req = ZmqTool.Start("cat", "--type", "REQ", "--connect", endpoint);
            await req.StandardInput.WriteAsync("question 1\nquestion 2\n");
            req.StandardInput.Close();
            await PrintsThenExitsAsync(req, "answer 1\nanswer\t2\n");

            await PrintsThenExitsAsync(rep, "question 1\nquestion 2\n");
        }
        finally
        {
            ZmqTool.KillIfRunning(rep);
        }
    }

    [Fact]
    public async Task A_proxy_streams_from_push_to_pull_and_ends_on_TERMINATE()
    {
        using var proxy = ZmqTool.Start("proxy", "--frontend", "pull", "--frontend-bind", "tcp://127.0.0.1:*", "--backend", "push", "--backend-bind", "tcp://127.0.0.1:*", "--control", "tcp://127.0.0.1:*");
        try
        {
            var bound = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                string? line = await proxy.StandardError.ReadLineAsync().WaitAsync(Limit);
                Assert.StartsWith("bound tcp://127.0.0.1:", line);
                bound.Add(line!["bound ".Length..]);
            }
            using var sink = ZmqTool.Start("cat", "--type", "pull", "--connect", bound[1], "--count", "1");
            using var source = ZmqTool.Start("cat", "--type", "push", "--connect", bound[0]);
            await source.StandardInput.WriteAsync("through\tthe proxy\n");
            source.StandardInput.Close();
            Assert.Equal("through\tthe proxy\n", await sink.StandardOutput.ReadToEndAsync().WaitAsync(Limit));
            await sink.WaitForExitAsync().WaitAsync(Limit);

            using var control = ZmqTool.Start("cat", "--type", "pair", "--connect", bound[2], "--count", "0");
            await control.StandardInput.WriteAsync("TERMINATE\n");
            control.StandardInput.Close();
            await proxy.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal(0, proxy.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(proxy);
        }
    }
}
