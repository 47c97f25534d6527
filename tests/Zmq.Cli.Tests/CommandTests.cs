using Zmq.Cli;

namespace Zmq.Cli.Tests;

public class CommandTests
{
    [Fact]
    public void Demo_verifies_every_client() =>
        Assert.Equal(0, Program.Main(["demo", "--clients", "3", "--messages", "2000", "--size", "100"]));

    [Fact]
    public void Perf_round_trip_in_one_process_succeeds() =>
        Assert.Equal(0, Program.Main(["perf", "lat", "--count", "200"]));

    [Theory]
    [InlineData("ipc")]
    [InlineData("inproc")]
    public void Perf_throughput_runs_over_each_transport(string transport) =>
        Assert.Equal(0, Program.Main(["perf", "thr", "--count", "20000", "--transport", transport]));

    [Theory]
    [InlineData("bogus")]
    [InlineData("demo", "--size", "4")]
    [InlineData("perf", "thr", "--type", "dealer")]
    [InlineData("perf", "thr", "--transport", "udp")]
    [InlineData("perf", "thr", "--transport", "inproc", "--procs", "2")]
    [InlineData("cat", "--type", "client")]
    [InlineData("cat", "--type", "client", "--connect", "tcp://127.0.0.1:1", "--echo")]
    [InlineData("cat", "--type", "server", "--bind", "carrier-pigeon://loft")]
    public void Bad_usage_exits_2(params string[] args) => Assert.Equal(2, Program.Main(args));

    [Fact]
    public async Task Keygen_prints_a_new_curve_key_pair_each_run_whose_public_key_derives_from_its_secret()
    {
        var (code, first, _) = await ZmqTool.RunAsync("keygen");
        Assert.Equal(0, code);
        var lines = first.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches("^public: .{40}$", lines[0]);
        Assert.Matches("^secret: .{40}$", lines[1]);
        Assert.Equal(lines[0]["public: ".Length..], CurveKeyPair.FromSecretKey(lines[1]["secret: ".Length..]).PublicKeyZ85);
        var (_, second, _) = await ZmqTool.RunAsync("keygen");
        Assert.NotEqual(first, second);
    }
}
