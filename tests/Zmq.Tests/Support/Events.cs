using System.Threading.Channels;

namespace Zmq.Tests.Support;

internal static class Events
{
    /// <summary>Reads events until one of the given type arrives (others are skipped), or fails after a timeout.</summary>
    public static async Task<SocketEvent> NextAsync(this ChannelReader<SocketEvent> reader, SocketEventType type, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Wait.Timeout);
        var seen = new List<SocketEvent>();
        try
        {
            while (true)
            {
                var e = await reader.ReadAsync(cts.Token);
                if (e.Type == type)
                {
                    return e;
                }
                seen.Add(e);
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"no {type} event; saw: {string.Join(" | ", seen)}");
            throw;
        }
    }
}
