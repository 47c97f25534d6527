namespace Zmq.Tests.Sockets;

/// <summary>ipc endpoint rules of zmq_ipc(7).</summary>
public sealed class IpcEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static async Task AssertRoundTrip(ServerSocket server, string endpoint)
    {
        await using var client = new ClientSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        client.Connect(endpoint);
        client.Send("ping");
        var m = server.Receive();
        server.Send(m.RoutingId, "pong");
        Assert.Equal("pong", client.ReceiveString());
    }

    [Fact]
    public async Task WildcardPath_BindsAFreshTemporaryPathReportedInLastEndpoint()
    {
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind("ipc://*");
        Assert.StartsWith("ipc:///", server.LastEndpoint, StringComparison.Ordinal);
        Assert.True(File.Exists(server.LastEndpoint!["ipc://".Length..]));
        await AssertRoundTrip(server, server.LastEndpoint!);
    }

    [Fact]
    public async Task AbstractName_WorksWithoutAFile()
    {
        string name = $"ipc://@zmq-test-{Guid.NewGuid():N}";
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind(name);
        Assert.Equal(name, server.LastEndpoint);
        await AssertRoundTrip(server, name);
    }

    [Fact]
    public async Task AbstractNameInUse_ThrowsAddressInUse()
    {
        string name = $"ipc://@zmq-test-{Guid.NewGuid():N}";
        await using var a = new ServerSocket { Linger = TimeSpan.Zero };
        a.Bind(name);
        await using var b = new ServerSocket { Linger = TimeSpan.Zero };
        Assert.Throws<AddressInUseException>(() => b.Bind(name));
    }

    [Fact]
    public async Task LaterBind_TakesOverAStalePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"zmq-stale-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(path, "left behind by a crashed process");
        await using var server = new ServerSocket { ReceiveTimeout = Timeout, Linger = TimeSpan.Zero };
        server.Bind("ipc://" + path);
        await AssertRoundTrip(server, "ipc://" + path);
    }

    [Fact]
    public async Task SocketFile_IsRemovedOnUnbindAndOnDispose()
    {
        var server = new ServerSocket { Linger = TimeSpan.Zero };
        server.Bind("ipc://*");
        string first = server.LastEndpoint!["ipc://".Length..];
        server.Bind("ipc://*");
        string second = server.LastEndpoint!["ipc://".Length..];
        server.Unbind("ipc://" + first);
        Assert.False(File.Exists(first));
        Assert.True(File.Exists(second));
        await server.DisposeAsync();
        Assert.False(File.Exists(second));
    }

    [Fact]
    public async Task PathOverTheOsLimit_ThrowsInvalidEndpointSayingTheLimit()
    {
        await using var server = new ServerSocket();
        var e = Assert.ThrowsAny<InvalidEndpointException>(() => server.Bind("ipc:///tmp/" + new string('x', 120)));
        Assert.Contains("107", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectToWildcard_ThrowsInvalidEndpoint()
    {
        await using var client = new ClientSocket();
        Assert.ThrowsAny<InvalidEndpointException>(() => client.Connect("ipc://*"));
    }
}
