using System.Net.Sockets;
using Zmq.Diagnostics;

namespace Zmq.Engine;

/// <summary>Timing of a connecting endpoint, fixed when Connect is called (as in libzmq).</summary>
internal readonly record struct ReconnectPolicy(TimeSpan Interval, TimeSpan IntervalMax, TimeSpan ConnectTimeout)
{
    /// <summary>The wait before attempt <paramref name="failures"/> + 1: with no maximum, the interval
    /// plus up to one interval of jitter; with a maximum, doubling up to it.</summary>
    public TimeSpan Delay(int failures)
    {
        if (IntervalMax > TimeSpan.Zero)
        {
            double ms = Interval.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 30));
            return TimeSpan.FromMilliseconds(Math.Min(ms, Math.Max(IntervalMax.TotalMilliseconds, Interval.TotalMilliseconds)));
        }
        return Interval + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Interval.TotalMilliseconds);
    }
}

/// <summary>
/// One Connect() endpoint: dials, runs an engine (made by <c>newEngine</c> for each dialled socket)
/// on the endpoint's persistent pipe, and dials again after a lost or refused connection. Stops after
/// a protocol error, as libzmq does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The token source has no timer; it is cancelled, never disposed, because Abort may race with the loop ending.")]
internal sealed class Connector(
    IPeerHost host,
    string endpoint,
    Pipe pipe,
    ReconnectPolicy policy,
    Func<CancellationToken, Task<Socket>> dial,
    Func<Socket, IEngine> newEngine)
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Lock _lock = new();
    private IEngine? _current;
    private volatile bool _closing;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Pipe Pipe { get; } = pipe;

    public string Endpoint { get; } = endpoint;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>After <see cref="BeginClose"/>: completes when the queued messages are with the OS or
    /// can no longer be sent (the dialling stopped).</summary>
    public Task Drained => _drained.Task;

    public void Start() => Completion = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        int failures = 0;
        bool first = true;
        try
        {
            while (!_closing)
            {
                if (!first)
                {
                    ZmqMetrics.Reconnect(host.SocketType, Endpoint);
                }
                first = false;
                Socket socket;
                try
                {
                    socket = await dial(_cts.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
                {
                    if (_closing)
                    {
                        return;
                    }
                    if (policy.Interval < TimeSpan.Zero)
                    {
                        host.GiveUp(Pipe, protocolError: false);
                        return;
                    }
                    var delay = policy.Delay(failures++);
                    Log.ConnectRetry(host.Logger, host.SocketType, Endpoint, delay.TotalMilliseconds, e.Message);
                    host.Event(new SocketEvent(SocketEventType.ConnectRetried, Endpoint) { Reason = e.Message, RetryIn = delay });
                    await Task.Delay(delay, _cts.Token).ConfigureAwait(false);
                    continue;
                }
                var connection = newEngine(socket);
                host.Event(new SocketEvent(SocketEventType.Connected, Endpoint) { PeerAddress = connection.PeerAddress });
                lock (_lock)
                {
                    _current = connection;
                }
                if (_closing)
                {
                    connection.BeginClose();
                    _ = connection.Drained.ContinueWith(_ => _drained.TrySetResult(), TaskScheduler.Default);
                }
                var end = await connection.RunAsync().ConfigureAwait(false);
                lock (_lock)
                {
                    _current = null;
                }
                if (end == ConnectionEnd.ProtocolError)
                {
                    host.GiveUp(Pipe, protocolError: true);
                    Log.ReconnectStopped(host.Logger, host.SocketType, Endpoint);
                    return;
                }
                if (_closing)
                {
                    return;
                }
                if (policy.Interval < TimeSpan.Zero)
                {
                    host.GiveUp(Pipe, protocolError: false);
                    return;
                }
                failures = 0;
                await Task.Delay(policy.Delay(0), _cts.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Stops dialling. A live connection first sends what is queued; a pending dial is
    /// allowed to finish only if messages wait for it.</summary>
    public void BeginClose()
    {
        _closing = true;
        IEngine? current;
        lock (_lock)
        {
            current = _current;
        }
        if (current != null)
        {
            current.BeginClose();
            _ = current.Drained.ContinueWith(_ => _drained.TrySetResult(), TaskScheduler.Default);
        }
        else if (Pipe.Outbound.IsEmpty)
        {
            _cts.Cancel();
        }
    }

    /// <summary>Stops dialling at once and closes a connection that has not drained.</summary>
    public void Abort()
    {
        _closing = true;
        _cts.Cancel();
        lock (_lock)
        {
            if (_current is { Drained.IsCompleted: false } current)
            {
                current.Abort();
            }
        }
    }
}
