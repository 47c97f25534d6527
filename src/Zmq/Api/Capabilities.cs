namespace Zmq;

/// <summary>A ØMQ socket, seen through what it can do. The send and receive forms are written once,
/// as extension methods on the capability interfaces below (SendingSocketExtensions and its
/// siblings), so every socket type with a capability has all of its forms. Only this library's
/// socket types implement these interfaces.</summary>
public interface IZmqSocket
{
    /// <summary>The socket behind the capability.</summary>
    internal ZmqSocket Socket { get; }
}

/// <summary>Sends single-frame messages to the peer its pattern picks (CLIENT: round-robin). Its forms,
/// their exceptions and thread rules: <see cref="SendingSocketExtensions"/>.</summary>
public interface ISendingSocket : IZmqSocket;

/// <summary>Sends multipart messages: frame by frame (<c>more</c>) or whole (<see cref="MultipartMessage"/>).
/// Its forms: <see cref="MultipartSendingSocketExtensions"/>.</summary>
public interface IMultipartSendingSocket : ISendingSocket;

/// <summary>Sends each message to the peer a routing id names (SERVER, PEER). Its forms:
/// <see cref="RoutingIdSendingSocketExtensions"/>.</summary>
public interface IRoutingIdSendingSocket : IZmqSocket;

/// <summary>Sends each message to a group: every peer that joined it gets the message (RADIO). Its
/// forms: <see cref="GroupSendingSocketExtensions"/>.</summary>
public interface IGroupSendingSocket : IZmqSocket;

/// <summary>Receives messages, fair-queued across its peers. Its forms, their exceptions and thread
/// rules: <see cref="ReceivingSocketExtensions"/>.</summary>
public interface IReceivingSocket : IZmqSocket;

/// <summary>Receives multipart messages: frame by frame (<see cref="Message.More"/>) or whole. Its
/// whole-message forms: <see cref="MultipartReceivingSocketExtensions"/>.</summary>
public interface IMultipartReceivingSocket : IReceivingSocket;

/// <summary>From a capability to its socket without an interface call: only ZmqSocket can implement
/// these interfaces (their one member is internal), so the cast needs no check.</summary>
internal static class Capability
{
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static ZmqSocket Core(this IZmqSocket socket) => System.Runtime.CompilerServices.Unsafe.As<ZmqSocket>(socket);
}
