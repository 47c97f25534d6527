using Zmq.Cli;

namespace Zmq.Cli.Tests;

public class ArgsTests
{
    private static Args Parse(params string[] a) =>
        new("cat", a, valued: ["type", "bind", "count"], flags: ["echo"], repeatable: ["bind"]);

    [Fact]
    public void Reads_spaced_and_inline_values_flags_and_repeats()
    {
        var a = Parse("--type", "server", "--bind=tcp://a:1", "--bind", "tcp://b:2", "--echo", "--count", "1_000");
        Assert.Equal("server", a.Get("type"));
        Assert.Equal(["tcp://a:1", "tcp://b:2"], a.All("bind"));
        Assert.True(a.Has("echo"));
        Assert.Equal(1000, a.GetInt("count", -1, 0));
    }

    [Theory]
    [InlineData("--nope")]
    [InlineData("--type", "a", "--type", "b")]
    [InlineData("--count")]
    [InlineData("--echo=1")]
    public void Rejects_bad_command_lines(params string[] a) => Assert.Throws<UsageException>(() => Parse(a));

    [Theory]
    [InlineData("x")]
    [InlineData("-1")]
    [InlineData("99999999999")]
    public void Rejects_bad_numbers(string value) =>
        Assert.Throws<UsageException>(() => Parse("--count", value).GetInt("count", 0, 0));
}
