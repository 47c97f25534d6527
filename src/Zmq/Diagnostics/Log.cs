using Microsoft.Extensions.Logging;

namespace Zmq.Diagnostics;

/// <summary>The library's log messages, generated once so that a disabled level costs a flag check.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "{SocketType} {Endpoint}: connected to {Peer} ({PeerType})")]
    public static partial void HandshakeSucceeded(ILogger logger, string socketType, string endpoint, string peer, string peerType);

    [LoggerMessage(2, LogLevel.Warning, "{SocketType} {Endpoint}: closing connection to {Peer}: {Reason}")]
    public static partial void ProtocolError(ILogger logger, string socketType, string endpoint, string peer, string reason);

    [LoggerMessage(3, LogLevel.Debug, "{SocketType} {Endpoint}: connection to {Peer} ended ({End})")]
    public static partial void Disconnected(ILogger logger, string socketType, string endpoint, string peer, string end);

    [LoggerMessage(4, LogLevel.Debug, "{SocketType} {Endpoint}: connect failed, retrying in {DelayMs} ms: {Reason}")]
    public static partial void ConnectRetry(ILogger logger, string socketType, string endpoint, double delayMs, string reason);

    [LoggerMessage(5, LogLevel.Warning, "{SocketType} {Endpoint}: not reconnecting after a protocol error")]
    public static partial void ReconnectStopped(ILogger logger, string socketType, string endpoint);

    [LoggerMessage(6, LogLevel.Warning, "{SocketType}: dropped {Count} queued message(s) for {Endpoint} on close: {Reason}")]
    public static partial void DroppedOnClose(ILogger logger, string socketType, string endpoint, long count, string reason);

    [LoggerMessage(7, LogLevel.Error, "{SocketType} {Endpoint}: accept failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string socketType, string endpoint, string reason);

    [LoggerMessage(8, LogLevel.Warning, "{SocketType}: dropped {Count} queued message(s) for {Endpoint}: its peer broke the protocol")]
    public static partial void DroppedAfterProtocolError(ILogger logger, string socketType, string endpoint, long count);

    [LoggerMessage(9, LogLevel.Warning, "{SocketType} {Endpoint}: not reconnecting (ReconnectInterval is negative); dropped {Count} queued message(s)")]
    public static partial void DroppedNotReconnecting(ILogger logger, string socketType, string endpoint, long count);

    [LoggerMessage(10, LogLevel.Warning, "{SocketType} {Endpoint}: the ZAP handler did not answer for {Peer}; let in, as AcceptWhenZapHandlerSilent asks")]
    public static partial void ZapSilentAccepted(ILogger logger, string socketType, string endpoint, string peer);
}
