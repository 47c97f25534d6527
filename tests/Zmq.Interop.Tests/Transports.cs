namespace Zmq.Interop.Tests;

/// <summary>Endpoints for running one interop test over each stream transport: "tcp", "ipc" (a path)
/// and "ipc-abstract" (a Linux abstract name).</summary>
internal static class Transports
{
    /// <summary>What our socket binds: a wildcard the socket resolves (read LastEndpoint afterwards).</summary>
    public static string OurBind(string transport) => transport switch
    {
        "tcp" => "tcp://127.0.0.1:*",
        "ipc" => "ipc://*",
        "ipc-abstract" => $"ipc://@zmq-interop-{Guid.NewGuid():N}",
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "use tcp, ipc or ipc-abstract"),
    };

    /// <summary>What a libzmq peer binds: a fixed port, path or name unique to the test, so the test
    /// (not libzmq's wildcard) decides where it lives, and a peer killed and started again there
    /// finds it free (a port below the ephemeral range, which no other test's wildcard bind takes).</summary>
    public static LibzmqBind LibzmqBind(string transport) => transport switch
    {
        "tcp" => new(Zmq.Tests.Support.Endpoints.ReservedTcp(), null),
        "ipc" => IpcPath(),
        "ipc-abstract" => new($"ipc://@zmq-interop-{Guid.NewGuid():N}", null),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "use tcp, ipc or ipc-abstract"),
    };

    /// <summary>A fresh socket file path under the temp directory.</summary>
    public static LibzmqBind IpcPath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"zmq-interop-{Guid.NewGuid():N}.sock");
        return new("ipc://" + path, path);
    }
}

/// <summary>An endpoint for a libzmq peer to bind. Disposing deletes its socket file, which a killed
/// peer leaves behind.</summary>
internal sealed record LibzmqBind(string Endpoint, string? File) : IDisposable
{
    public void Dispose()
    {
        if (File != null)
        {
            System.IO.File.Delete(File);
        }
    }
}
