namespace Zmq.Transport;

/// <summary>Every scheme this library speaks, mapped to its transport. A new transport is one line
/// here and a class of its kind; nothing else compares scheme strings.</summary>
internal static class TransportRegistry
{
    // In the order error messages list them.
    private static readonly ITransport[] All = [TcpTransport.Instance, IpcTransport.Instance, InprocTransport.Instance, UdpTransport.Instance];

    private static readonly Dictionary<string, ITransport> ByScheme = All.ToDictionary(t => t.Scheme, StringComparer.Ordinal);

    /// <summary>The supported schemes, for messages.</summary>
    public static IEnumerable<string> Schemes => All.Select(t => t.Scheme);

    public static bool TryGet(string scheme, out ITransport transport) => ByScheme.TryGetValue(scheme, out transport!);
}
