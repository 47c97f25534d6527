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
            string clientOut = await client.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
            await client.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal("a\nb\n", clientOut);
            Assert.Equal(0, client.ExitCode);

            string serverOut = await server.StandardOutput.ReadToEndAsync().WaitAsync(Limit);
            await server.WaitForExitAsync().WaitAsync(Limit);
            Assert.Equal("a\nb\n", serverOut);
            Assert.Equal(0, server.ExitCode);
        }
        finally
        {
            ZmqTool.KillIfRunning(server);
        }
    }
}
