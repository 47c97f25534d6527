namespace Zmq.Cli;

/// <summary>The socket types the tool's commands take by name, lowercase as the user types them.</summary>
internal static class SocketFactory
{
    private static readonly Dictionary<string, Func<ZmqSocket>> Types = new()
    {
        ["client"] = () => new ClientSocket(),
        ["server"] = () => new ServerSocket(),
        ["pair"] = () => new PairSocket(),
        ["pub"] = () => new PublisherSocket(),
        ["sub"] = () => new SubscriberSocket(),
        ["xpub"] = () => new XPublisherSocket(),
        ["xsub"] = () => new XSubscriberSocket(),
        ["push"] = () => new PushSocket(),
        ["pull"] = () => new PullSocket(),
        ["req"] = () => new RequestSocket(),
        ["rep"] = () => new ResponseSocket(),
        ["dealer"] = () => new DealerSocket(),
        ["router"] = () => new RouterSocket(),
        ["stream"] = () => new StreamSocket(),
        ["radio"] = () => new RadioSocket(),
        ["dish"] = () => new DishSocket(),
        ["scatter"] = () => new ScatterSocket(),
        ["gather"] = () => new GatherSocket(),
        ["channel"] = () => new ChannelSocket(),
        ["peer"] = () => new PeerSocket(),
        ["dgram"] = () => new DatagramSocket(),
    };

    /// <summary>A new socket of the named type (any case), or a usage error that lists the names
    /// the command takes (all of them unless <paramref name="allowed"/> narrows them).</summary>
    public static ZmqSocket Create(string option, string? name, IReadOnlyCollection<string>? allowed = null) =>
        Types[Check(option, name, allowed)]();

    /// <summary>The name, lowercase, if the command takes that type; otherwise a usage error.</summary>
    public static string Check(string option, string? name, IReadOnlyCollection<string>? allowed = null)
    {
        var names = allowed ?? Types.Keys;
        string key = (name ?? "").ToLowerInvariant();
        if (!names.Contains(key) || !Types.ContainsKey(key))
        {
            throw new UsageException($"--{option} must be one of {string.Join(", ", names)}, got '{name}'");
        }
        return key;
    }
}
