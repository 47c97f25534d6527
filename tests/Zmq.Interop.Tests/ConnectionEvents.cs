using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Zmq.Interop.Tests;

/// <summary>
/// A socket <see cref="ZmqSocket.Logger"/> that turns the library's connection log events into
/// something a test can await, instead of guessing how long a reconnect takes.
/// </summary>
internal sealed class ConnectionEvents : ILogger
{
    /// <summary>The library's event id for "handshake succeeded" (Zmq.Diagnostics.Log).</summary>
    public const int Connected = 1;

    /// <summary>The library's event id for "connection ended".</summary>
    public const int Disconnected = 3;

    private readonly Channel<(int Id, string Text)> _events = Channel.CreateUnbounded<(int, string)>();
    private readonly List<string> _seen = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _events.Writer.TryWrite((eventId.Id, formatter(state, exception)));

    /// <summary>Consumes events up to and including the next one with <paramref name="eventId"/>.</summary>
    public async Task<string> WaitForAsync(int eventId, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var (id, text) = await _events.Reader.ReadAsync(cts.Token);
                _seen.Add(text);
                if (id == eventId)
                {
                    return text;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no log event {eventId} within {timeout.TotalSeconds} s; events so far:\n{string.Join('\n', _seen)}");
        }
    }
}
