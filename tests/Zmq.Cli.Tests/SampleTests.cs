using System.Diagnostics;
using System.Reflection;

namespace Zmq.Cli.Tests;

/// <summary>Each program in samples/ runs to its end by itself and prints what it promises.</summary>
public class SampleTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("ClientServer", "alice: got 'alice #3 -> done'", "bob: got 'bob #3 -> done'", "server: answered 6 requests, each to its sender")]
    [InlineData("PubSub", "weather subscriber: weather.wind = 40 km/h", "all-topics subscriber: traffic.a7 = jammed")]
    [InlineData("HttpHello", "client: 200 Hello from a ØMQ STREAM socket, you asked for /hello", "client: 200 Hello from a ØMQ STREAM socket, you asked for /again", "server: done")]
    [InlineData("Pipeline", "sink: 30 results, sum of squares 9455")]
    [InlineData("ReqRepBroker", "alice: got 'ALICE #3'", "bob: got 'BOB #3'", "broker: every reply reached its client; terminated")]
    [InlineData("RadioDish", "scores dish: scores: 3-1", "scores dish: scores: final 3-2", "scores+weather dish: weather: sunny")]
    public async Task Sample_exits_0_and_prints_its_result(string name, params string[] expectedLines)
    {
        string dll = Path.Combine(RepositoryRoot(), "samples", name, "bin", Configuration, "net10.0", name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project builds the samples first");
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        using var sample = Process.Start(psi)!;
        try
        {
            var stdout = sample.StandardOutput.ReadToEndAsync();
            var stderr = sample.StandardError.ReadToEndAsync();
            await sample.WaitForExitAsync().WaitAsync(Limit);

            Assert.True(sample.ExitCode == 0, $"{name} exited with {sample.ExitCode}: {await stderr}");
            var lines = (await stdout).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            Assert.All(expectedLines, expected => Assert.Contains(expected, lines));
        }
        finally
        {
            ZmqTool.KillIfRunning(sample);
        }
    }

    /// <summary>The samples are built with the configuration this test assembly was built with.</summary>
    private static string Configuration =>
        typeof(SampleTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Zmq.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Zmq.slnx above {AppContext.BaseDirectory}");
    }
}
