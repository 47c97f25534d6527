using System.Diagnostics;
using System.Reflection;

namespace Zmq.Interop.Tests;

/// <summary>Our own <c>zmq cat</c> (src/Zmq.Cli) in a child process: every message it receives is a stdout line.</summary>
internal sealed class ZmqCatPeer : PeerProcess
{
    private ZmqCatPeer(ProcessStartInfo info, string name)
        : base(info, name)
    {
    }

    /// <summary>The Zmq.Cli.dll built alongside these tests (the csproj records its path).</summary>
    private static string CliDll
    {
        get
        {
            string? path = typeof(ZmqCatPeer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "ZmqCliDll")?.Value;
            if (path == null || !File.Exists(path))
            {
                throw new InvalidOperationException($"Zmq.Cli.dll not found at '{path}': build tests/Zmq.Interop.Tests, which builds src/Zmq.Cli");
            }
            return path;
        }
    }

    /// <summary><c>zmq cat --type server --bind <paramref name="endpoint"/></c>.</summary>
    public static ZmqCatPeer StartServer(string endpoint)
    {
        // The host running the tests, so the CLI runs on the same runtime whatever `dotnet` is on PATH.
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet");
        foreach (string arg in new[] { CliDll, "cat", "--type", "server", "--bind", endpoint })
        {
            info.ArgumentList.Add(arg);
        }
        return new ZmqCatPeer(info, $"zmq cat --type server --bind {endpoint}");
    }
}
