using System.Runtime.InteropServices;

namespace Zmq.Engine;

/// <summary>
/// An int with a cache line to itself: for a field one thread writes on every message, in an object
/// that may be allocated next to one another thread reads or writes on every message (a socket's
/// load balancer and fair queue are). Objects are 8-byte aligned, not 64, so the value sits a whole
/// line from either end of the struct.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct LoneInt
{
    [FieldOffset(64)]
    public int Value;
}
