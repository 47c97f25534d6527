using Zmq.Cli;

namespace Zmq.Cli.Tests;

/// <summary>Every command explains itself, and a bad command line says what was wrong and where to look.</summary>
public class HelpTests
{
    private static readonly string[] CommandNames = ["demo", "cat", "perf", "monitor", "proxy"];

    [Theory]
    [InlineData("demo")]
    [InlineData("cat")]
    [InlineData("perf")]
    [InlineData("monitor")]
    [InlineData("proxy")]
    public async Task Command_help_prints_that_commands_usage_and_exits_0(string command)
    {
        var (code, stdout, stderr) = await ZmqTool.RunAsync(command, "--help");

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.StartsWith($"Usage:\n  zmq {command} ", stdout, StringComparison.Ordinal);
        Assert.Contains("Exit codes:", stdout, StringComparison.Ordinal);
        Assert.All(CommandNames.Where(c => c != command), other => Assert.DoesNotContain($"  zmq {other} ", stdout, StringComparison.Ordinal));
        Assert.Equal(stdout, (await ZmqTool.RunAsync("help", command)).Stdout);
        Assert.Equal(stdout, (await ZmqTool.RunAsync(command, "-h")).Stdout);
    }

    [Fact]
    public async Task Help_lists_every_command_and_the_exit_codes()
    {
        var (code, stdout, _) = await ZmqTool.RunAsync("--help");

        Assert.Equal(0, code);
        Assert.All(CommandNames, c => Assert.Contains($"\n  zmq {c} ", stdout, StringComparison.Ordinal));
        foreach (string exitCode in new[] { "0 ", "1 ", "2 ", "130 " })
        {
            Assert.Contains("\n  " + exitCode, stdout, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("demo")]
    [InlineData("cat")]
    [InlineData("perf")]
    [InlineData("monitor")]
    [InlineData("proxy")]
    public void Each_commands_usage_says_what_it_exits_with(string command) =>
        Assert.Contains("Exits 0 ", Program.CommandUsage(command), StringComparison.Ordinal);

    [Theory]
    [InlineData("demo", "--clientz", "2")]
    [InlineData("cat", "--type", "client", "--nope")]
    [InlineData("perf", "thr", "--sise=64")]
    [InlineData("monitor", "--type", "sub", "--subscribe=a", "--topic", "b")]
    public async Task Unknown_option_exits_2_naming_it_and_pointing_at_the_commands_help(string command, params string[] rest)
    {
        var (code, stdout, stderr) = await ZmqTool.RunAsync([command, .. rest]);

        string option = rest.First(a => a.StartsWith("--", StringComparison.Ordinal) && !a.StartsWith("--type", StringComparison.Ordinal) && !a.StartsWith("--subscribe", StringComparison.Ordinal));
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains($"'{option}'", stderr, StringComparison.Ordinal);
        Assert.Contains($"zmq {command} --help", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("help", "bogus")]
    [InlineData("help", "cat", "perf")]
    public async Task Unknown_command_exits_2_pointing_at_the_help(params string[] args)
    {
        var (code, stdout, stderr) = await ZmqTool.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("zmq --help", stderr, StringComparison.Ordinal);
    }
}
