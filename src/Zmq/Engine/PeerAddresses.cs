using System.Net.Sockets;

namespace Zmq.Engine;

/// <summary>How a connection names its peer in events and logs, whichever engine serves it.</summary>
internal static class PeerAddresses
{
    /// <summary>The remote address, or for an ipc client's unnamed socket the shared path (the
    /// endpoint), which is all there is to name the peer by.</summary>
    public static string Of(Socket socket, string endpoint)
    {
        try
        {
            string? remote = socket.RemoteEndPoint?.ToString();
            return string.IsNullOrEmpty(remote) ? endpoint : remote;
        }
        catch (SocketException)
        {
            return "?";
        }
    }
}
