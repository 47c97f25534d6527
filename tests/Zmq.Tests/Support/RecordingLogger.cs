using Microsoft.Extensions.Logging;

namespace Zmq.Tests.Support;

/// <summary>An <see cref="ILogger"/> that keeps every entry, so a test can assert what the library
/// said and why (thread-safe: the sockets log from their I/O loops).</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<Entry> _entries = [];

    public sealed record Entry(LogLevel Level, EventId Id, string Message);

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add(new Entry(logLevel, eventId, formatter(state, exception)));
        }
    }

    /// <summary>Waits until an entry whose message contains every one of <paramref name="parts"/> is
    /// logged, and returns it; fails after a timeout, listing what was logged instead.</summary>
    public async Task<Entry> WaitForAsync(params string[] parts)
    {
        Entry? found = null;
        try
        {
            await Wait.UntilAsync(() => (found = Entries.FirstOrDefault(e => parts.All(p => e.Message.Contains(p, StringComparison.OrdinalIgnoreCase)))) != null, "a log entry");
        }
        catch (Xunit.Sdk.FailException)
        {
            Assert.Fail($"no log entry containing [{string.Join(", ", parts)}]; logged: {string.Join(" | ", Entries.Select(e => e.Message))}");
        }
        return found!;
    }
}
