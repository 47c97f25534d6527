using Microsoft.Extensions.Logging;

namespace Zmq.Tests.Support;

/// <summary>One entry a <see cref="RecordingLogger"/> saw: its level, event id and formatted message.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message)
{
    public override string ToString() => $"{Level} [{EventId.Id}] {Message}";
}

/// <summary>A socket <see cref="ZmqSocket.Logger"/> that records every entry, from any thread, and lets
/// a test await the entry it expects.</summary>
internal sealed class RecordingLogger : ILogger
{
    /// <summary>The library's event ids (Diagnostics/Log.cs).</summary>
    public const int ProtocolErrorId = 2;
    public const int DisconnectedId = 3;
    public const int ReconnectStoppedId = 5;
    public const int DroppedOnCloseId = 6;
    public const int DroppedAfterProtocolErrorId = 8;
    public const int DroppedNotReconnectingId = 9;

    private readonly Lock _lock = new();
    private readonly List<LogEntry> _entries = [];
    private readonly List<(Func<LogEntry, bool> Match, TaskCompletionSource<LogEntry> Found)> _waiters = [];

    /// <summary>A snapshot of what was logged so far, oldest first.</summary>
    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        var entry = new LogEntry(logLevel, eventId, formatter(state, exception));
        List<TaskCompletionSource<LogEntry>> found = [];
        lock (_lock)
        {
            _entries.Add(entry);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(entry))
                {
                    found.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }
        // Completed outside the lock: a waiter's continuation must not run while it is held.
        foreach (var f in found)
        {
            f.TrySetResult(entry);
        }
    }

    /// <summary>The first entry (already logged or still to come) that matches, or a failure naming
    /// <paramref name="what"/> and everything logged when the timeout passes.</summary>
    public async Task<LogEntry> WaitForAsync(Func<LogEntry, bool> match, string what, TimeSpan? timeout = null)
    {
        var found = new TaskCompletionSource<LogEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_entries.FirstOrDefault(match) is { } logged)
            {
                return logged;
            }
            _waiters.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(timeout ?? Wait.Timeout);
        }
        catch (TimeoutException)
        {
            lock (_lock)
            {
                _waiters.RemoveAll(w => w.Found == found);
            }
            Assert.Fail($"no log entry {what}; logged: {string.Join(" | ", Entries)}");
            throw;
        }
    }

    /// <summary>Waits for an entry with the event id whose message contains <paramref name="text"/>
    /// (ignoring case).</summary>
    public Task<LogEntry> WaitForAsync(int eventId, string text, TimeSpan? timeout = null) =>
        WaitForAsync(
            e => e.EventId.Id == eventId && e.Message.Contains(text, StringComparison.OrdinalIgnoreCase),
            $"with event id {eventId} containing \"{text}\"",
            timeout);
}
