using System.Net.Sockets;

namespace Zmq.Transport;

/// <summary>OS socket settings fixed at Bind/Connect time (libzmq's SNDBUF, RCVBUF, TCP_KEEPALIVE*,
/// TOS). -1 (or 0 for TOS) leaves the OS default.</summary>
internal readonly record struct StreamOptions(
    int SendBufferSize,
    int ReceiveBufferSize,
    int TcpKeepalive,
    int TcpKeepaliveIdle,
    int TcpKeepaliveCount,
    int TcpKeepaliveInterval,
    int TypeOfService)
{
    public void Apply(Socket socket)
    {
        if (SendBufferSize >= 0)
        {
            socket.SendBufferSize = SendBufferSize;
        }
        if (ReceiveBufferSize >= 0)
        {
            socket.ReceiveBufferSize = ReceiveBufferSize;
        }
        if (socket.AddressFamily == AddressFamily.Unix)
        {
            return;
        }
        if (TcpKeepalive >= 0)
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, TcpKeepalive != 0);
        }
        if (TcpKeepalive > 0)
        {
            if (TcpKeepaliveIdle > 0)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, TcpKeepaliveIdle);
            }
            if (TcpKeepaliveInterval > 0)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, TcpKeepaliveInterval);
            }
            if (TcpKeepaliveCount > 0)
            {
                socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, TcpKeepaliveCount);
            }
        }
        if (TypeOfService != 0 && socket.AddressFamily == AddressFamily.InterNetwork)
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.TypeOfService, TypeOfService);
        }
    }
}
