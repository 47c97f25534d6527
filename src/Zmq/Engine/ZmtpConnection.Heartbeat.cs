using Zmq.Diagnostics;
using Zmq.Protocol;

namespace Zmq.Engine;

// ZMTP heartbeats (RFC 37 PING/PONG) for one connection.
internal sealed partial class ZmtpConnection
{
    /// <summary>Sends a PING every interval and closes the connection when nothing at all has arrived
    /// for the timeout after one (or for the TTL the peer asked for): a frozen process or a cut cable
    /// is found even when TCP itself notices nothing.</summary>
    private void StartHeartbeat()
    {
        if (Interlocked.Exchange(ref _heartbeatStarted, 1) == 0)
        {
            _heartbeat = HeartbeatLoopAsync(_pipe!, _heartbeatPolicy);
        }
    }

    private async Task HeartbeatLoopAsync(Pipe pipe, HeartbeatPolicy policy)
    {
        var tick = policy.Interval > TimeSpan.Zero
            ? TimeSpan.FromMilliseconds(Math.Max(1, Math.Min(policy.Interval.TotalMilliseconds, policy.Timeout.TotalMilliseconds)))
            : TimeSpan.FromMilliseconds(100);
        long lastPing = 0;
        long pingSentAt = 0;
        while (!_stopped)
        {
            try
            {
                // Cancelled when the connection closes, so its end is not held up by a long interval.
                await Task.Delay(tick, _stoppedToken.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (_stopped)
            {
                return;
            }
            long now = Environment.TickCount64;
            long quietMs = now - Volatile.Read(ref _lastReceivedTicks);
            long ttl = Volatile.Read(ref _remoteTtlMs);
            bool pingUnanswered = pingSentAt != 0 && Volatile.Read(ref _lastReceivedTicks) < pingSentAt && now - pingSentAt >= policy.Timeout.TotalMilliseconds;
            if (pingUnanswered || (ttl > 0 && quietMs >= ttl))
            {
                EndReason = $"heartbeat: nothing received for {quietMs} ms";
                Log.ProtocolError(_host.Logger, _host.SocketType, Endpoint, PeerAddress, EndReason);
                CloseSocket();
                return;
            }
            if (policy.Interval > TimeSpan.Zero && now - lastPing >= policy.Interval.TotalMilliseconds)
            {
                if (pingSentAt == 0 || Volatile.Read(ref _lastReceivedTicks) >= pingSentAt)
                {
                    pingSentAt = now;
                }
                lastPing = now;
                _control.Enqueue(Commands.BuildPingFrame(policy.TtlDeciseconds, []));
                pipe.WakeWriter();
            }
        }
    }
}
