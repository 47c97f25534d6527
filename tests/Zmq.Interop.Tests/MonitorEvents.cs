using System.Threading.Channels;

namespace Zmq.Interop.Tests;

/// <summary>A socket's <see cref="ZmqSocket.Monitor"/> stream as a test reads it: wait for the next
/// event of a type, or gather what happens in a bounded window when the point is that nothing does.</summary>
internal sealed class MonitorEvents(ZmqSocket socket)
{
    private readonly ChannelReader<SocketEvent> _reader = socket.Monitor();
    private readonly List<SocketEvent> _seen = [];

    /// <summary>Consumes events up to and including the next one of <paramref name="type"/>.</summary>
    public async Task<SocketEvent> WaitForAsync(SocketEventType type, TimeSpan? timeout = null)
    {
        var wait = timeout ?? Ours.Wait;
        using var cts = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var e = await _reader.ReadAsync(cts.Token);
                _seen.Add(e);
                if (e.Type == type)
                {
                    return e;
                }
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"no {type} monitor event within {wait.TotalSeconds} s. {Describe()}");
        }
    }

    /// <summary>Every event during <paramref name="period"/>. Only for asserting absence: a wait for
    /// something that should happen uses <see cref="WaitForAsync"/>.</summary>
    public async Task<IReadOnlyList<SocketEvent>> CollectAsync(TimeSpan period)
    {
        var events = new List<SocketEvent>();
        using var cts = new CancellationTokenSource(period);
        try
        {
            while (true)
            {
                var e = await _reader.ReadAsync(cts.Token);
                _seen.Add(e);
                events.Add(e);
            }
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
        return events;
    }

    /// <summary>The events consumed so far, for assertion messages.</summary>
    public string Describe() => "Events so far:\n  " + string.Join("\n  ", _seen);
}
