using System.Text;

namespace Zmq.Protocol;

/// <summary>The 64-byte ZMTP 3.x greeting (RFC 23/37).</summary>
internal static class Greeting
{
    public const int Size = 64;
    public const int MechanismOffset = 12;
    public const int MechanismLength = 20;

    /// <summary>Writes a ZMTP 3.1 greeting. The padding carries "identity length + 1" as libzmq does,
    /// which a ZMTP 1.0 peer would read as an empty identity frame.</summary>
    public static void Write(Span<byte> destination, string mechanism = "NULL", bool asServer = false)
    {
        destination[..Size].Clear();
        destination[0] = 0xFF;
        destination[8] = 0x01;
        destination[9] = 0x7F;
        destination[10] = 3;
        destination[11] = 1;
        Encoding.ASCII.GetBytes(mechanism, destination.Slice(MechanismOffset, MechanismLength));
        destination[32] = asServer ? (byte)1 : (byte)0;
    }

    /// <summary>Checks as much of a peer's greeting as has arrived, so that garbage is refused after
    /// its first bytes instead of after a wait for all 64.</summary>
    /// <returns>null when the bytes so far are acceptable, else why they are not.</returns>
    public static string? CheckPrefix(ReadOnlySpan<byte> received)
    {
        if (received.Length >= 1 && received[0] != 0xFF)
        {
            return $"invalid greeting signature: first byte 0x{received[0]:X2}, expected 0xFF";
        }
        if (received.Length >= 10 && (received[9] & 0x01) == 0)
        {
            return $"invalid greeting signature: byte 9 is 0x{received[9]:X2}, expected 0x7F (ZMTP 1.0 peers are not supported)";
        }
        if (received.Length >= 11 && received[10] < 3)
        {
            return $"unsupported ZMTP version {received[10]}.x: ZMTP 3.0 or later is required";
        }
        return null;
    }

    /// <summary>Validates a complete greeting and returns the peer's mechanism name.</summary>
    public static string? Validate(ReadOnlySpan<byte> greeting, string expectedMechanism, out string? error)
    {
        error = CheckPrefix(greeting);
        if (error != null)
        {
            return null;
        }
        var mech = greeting.Slice(MechanismOffset, MechanismLength);
        int len = mech.IndexOf((byte)0);
        if (len < 0)
        {
            len = MechanismLength;
        }
        foreach (byte b in mech[len..])
        {
            if (b != 0)
            {
                error = "invalid greeting: mechanism name is not NUL-padded";
                return null;
            }
        }
        foreach (byte b in mech[..len])
        {
            bool ok = b is (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'+';
            if (!ok)
            {
                error = "invalid greeting: mechanism name has characters outside A-Z 0-9 - _ . +";
                return null;
            }
        }
        string name = Encoding.ASCII.GetString(mech[..len]);
        if (name != expectedMechanism)
        {
            error = $"security mechanism mismatch: peer uses {(name.Length == 0 ? "(none)" : name)}, this socket uses {expectedMechanism}";
        }
        return name;
    }
}
