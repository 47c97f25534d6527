using Zmq.Sockets.Core;

namespace Zmq;

/// <summary>
/// DGRAM (libzmq ZMQ_DGRAM): raw udp datagrams, no ØMQ framing on the wire, so it talks to any udp
/// program. It binds a <c>udp://</c> address (<c>udp://127.0.0.1:5555</c>, <c>udp://*:5555</c>, or
/// <c>:*</c> for a port the OS picks) and nothing else. Every message has two frames: the peer's
/// address as text (<c>ip:port</c>, IPv6 as <c>[ip]:port</c>; libzmq's end with a NUL, which is
/// accepted on send and not added on receive), then the bytes. A received message
/// names its sender so; a sent one is sent to the address it names, as one datagram of at most 8192
/// bytes. A message of another shape or with an address that does not parse is dropped (the first
/// is logged). Datagrams may be lost, duplicated or reordered, as udp's are.
/// <para>Thread-safe for whole messages (<c>SendMultipart</c>, <c>ReceiveMultipart</c>): any number
/// of threads may send and receive at once. Options are not synchronised: set them before Bind.</para>
/// </summary>
public sealed class DatagramSocket : ZmqSocket, IMultipartSendingSocket, IMultipartReceivingSocket
{
    /// <summary>Creates a DGRAM in <see cref="ZmqContext.Default"/>.</summary>
    public DatagramSocket()
        : this(null)
    {
    }

    /// <summary>Creates a DGRAM whose options and logging follow <paramref name="context"/>
    /// (<see cref="ZmqContext.Default"/> when null).</summary>
    public DatagramSocket(ZmqContext? context)
        : base(context, new Rules())
    {
    }

    /// <summary>Its bound addresses are the rotation; the peer is named in each message.</summary>
    private sealed class Rules : LoadBalancedPattern
    {
        public override ZmqSocketType Type => ZmqSocketType.Dgram;
    }
}
