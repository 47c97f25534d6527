using System.Buffers.Binary;
using System.Text;

namespace Zmq.Protocol;

/// <summary>Builds and parses ZMTP command bodies (READY, ERROR, PING, PONG). A command frame's body
/// is name-length(1), name, data.</summary>
internal static class Commands
{
    public const string Ready = "READY";
    public const string Error = "ERROR";
    public const string Ping = "PING";
    public const string Pong = "PONG";
    public const string Subscribe = "SUBSCRIBE";
    public const string Cancel = "CANCEL";
    public const string Join = "JOIN";
    public const string Leave = "LEAVE";
    public const string Hello = "HELLO";
    public const string Welcome = "WELCOME";
    public const string Initiate = "INITIATE";

    public const string SocketTypeProperty = "Socket-Type";
    public const string IdentityProperty = "Identity";

    /// <summary>Largest PING context echoed back, as libzmq cuts it.</summary>
    public const int MaxPingContext = 16;

    /// <summary>Builds a complete READY command frame (header included).</summary>
    public static byte[] BuildReadyFrame(string socketType, ReadOnlySpan<byte> identity, bool sendIdentity) =>
        BuildMetadataFrame(Ready, socketType, identity, sendIdentity);

    /// <summary>A command whose data is the socket's metadata (READY; PLAIN's INITIATE).</summary>
    public static byte[] BuildMetadataFrame(string command, string socketType, ReadOnlySpan<byte> identity, bool sendIdentity) =>
        BuildFrame(command, Metadata(socketType, identity, sendIdentity));

    /// <summary>The socket's metadata properties: Socket-Type, and Identity where the type sends one.</summary>
    public static byte[] Metadata(string socketType, ReadOnlySpan<byte> identity, bool sendIdentity)
    {
        var props = new List<KeyValuePair<string, byte[]>>
        {
            new(SocketTypeProperty, Encoding.ASCII.GetBytes(socketType)),
        };
        if (sendIdentity)
        {
            props.Add(new(IdentityProperty, identity.ToArray()));
        }
        return EncodeProperties(props);
    }

    public static byte[] EncodeProperties(IEnumerable<KeyValuePair<string, byte[]>> properties)
    {
        using var ms = new MemoryStream();
        Span<byte> len = stackalloc byte[4];
        foreach (var (name, value) in properties)
        {
            if (name.Length is 0 or > 255)
            {
                throw new ArgumentException($"metadata property name '{name}' must be 1 to 255 characters", nameof(properties));
            }
            ms.WriteByte((byte)name.Length);
            ms.Write(Encoding.ASCII.GetBytes(name));
            BinaryPrimitives.WriteInt32BigEndian(len, value.Length);
            ms.Write(len);
            ms.Write(value);
        }
        return ms.ToArray();
    }

    /// <summary>A command's body, without the frame header: name length, name, data.</summary>
    public static byte[] BuildBody(string name, ReadOnlySpan<byte> data)
    {
        var body = new byte[1 + name.Length + data.Length];
        body[0] = (byte)name.Length;
        Encoding.ASCII.GetBytes(name, body.AsSpan(1));
        data.CopyTo(body.AsSpan(1 + name.Length));
        return body;
    }

    /// <summary>Builds a whole command frame: header, name length, name, data.</summary>
    public static byte[] BuildFrame(string name, ReadOnlySpan<byte> data)
    {
        int bodyLen = 1 + name.Length + data.Length;
        var frame = new byte[FrameFlags.HeaderSize(bodyLen) + bodyLen];
        int p = FrameWriter.WriteHeader(frame, bodyLen, FrameFlags.Command);
        frame[p++] = (byte)name.Length;
        p += Encoding.ASCII.GetBytes(name, frame.AsSpan(p));
        data.CopyTo(frame.AsSpan(p));
        return frame;
    }

    public static byte[] BuildErrorFrame(string reason)
    {
        var r = Encoding.ASCII.GetBytes(reason.Length > 255 ? reason[..255] : reason);
        var data = new byte[1 + r.Length];
        data[0] = (byte)r.Length;
        r.CopyTo(data, 1);
        return BuildFrame(Error, data);
    }

    /// <summary>PING: TTL in tenths of a second, then up to 16 bytes of context.</summary>
    public static byte[] BuildPingFrame(ushort ttlDeciseconds, ReadOnlySpan<byte> context)
    {
        var data = new byte[2 + context.Length];
        BinaryPrimitives.WriteUInt16BigEndian(data, ttlDeciseconds);
        context.CopyTo(data.AsSpan(2));
        return BuildFrame(Ping, data);
    }

    /// <summary>Builds the PONG answering a PING's data (TTL + context); the context is cut to 16 bytes.</summary>
    /// <summary>A subscription in ZMTP 3.0's message form: 0x01 (subscribe) or 0x00 (cancel), then
    /// the topic. Every ZMTP 3.x publisher accepts it.</summary>
    public static byte[] SubscriptionMessage(bool subscribe, ReadOnlySpan<byte> topic)
    {
        var form = new byte[topic.Length + 1];
        form[0] = subscribe ? (byte)1 : (byte)0;
        topic.CopyTo(form.AsSpan(1));
        return form;
    }

    public static byte[] BuildPongFrame(ReadOnlySpan<byte> pingData)
    {
        var context = pingData.Length > 2 ? pingData[2..] : [];
        if (context.Length > MaxPingContext)
        {
            context = context[..MaxPingContext];
        }
        return BuildFrame(Pong, context);
    }

    /// <summary>Splits a command body into its name and data.</summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out string name, out ReadOnlySpan<byte> data, out string? error)
    {
        name = "";
        data = default;
        if (body.Length < 1 || body[0] == 0 || body[0] > body.Length - 1)
        {
            error = body.Length < 1
                ? "empty command frame"
                : $"command name length {body[0]} does not fit a {body.Length}-byte command";
            return false;
        }
        var nameBytes = body.Slice(1, body[0]);
        foreach (byte b in nameBytes)
        {
            if (b is < 0x20 or > 0x7E)
            {
                error = "command name is not printable ASCII";
                return false;
            }
        }
        name = Encoding.ASCII.GetString(nameBytes);
        data = body[(1 + body[0])..];
        error = null;
        return true;
    }

    /// <summary>Parses READY metadata into a case-insensitive dictionary (RFC 23: names are case-insensitive).</summary>
    public static Dictionary<string, byte[]>? TryParseProperties(ReadOnlySpan<byte> data, out string? error)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        while (data.Length > 0)
        {
            int nameLen = data[0];
            if (nameLen == 0 || data.Length < 1 + nameLen + 4)
            {
                error = "malformed metadata: property header is truncated";
                return null;
            }
            string name = Encoding.ASCII.GetString(data.Slice(1, nameLen));
            uint valueLen = BinaryPrimitives.ReadUInt32BigEndian(data[(1 + nameLen)..]);
            data = data[(1 + nameLen + 4)..];
            if (valueLen > (uint)data.Length)
            {
                error = $"malformed metadata: property '{name}' claims {valueLen} bytes, {data.Length} remain";
                return null;
            }
            result[name] = data[..(int)valueLen].ToArray();
            data = data[(int)valueLen..];
        }
        error = null;
        return result;
    }

    public static string ParseErrorReason(ReadOnlySpan<byte> data)
    {
        if (data.Length == 0)
        {
            return "";
        }
        int len = Math.Min(data[0], data.Length - 1);
        return Encoding.ASCII.GetString(data.Slice(1, len));
    }
}
