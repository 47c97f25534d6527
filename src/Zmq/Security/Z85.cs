namespace Zmq;

/// <summary>
/// Z85 (ZeroMQ RFC 32): binary as printable text, 5 characters for every 4 bytes, as libzmq's
/// <c>zmq_z85_encode</c> and <c>zmq_z85_decode</c>. CURVE keys are written this way: 32 bytes as
/// 40 characters.
/// </summary>
public static class Z85
{
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    /// <summary>Each character's value, or 0xFF for a character outside the alphabet.</summary>
    private static readonly byte[] Values = BuildValues();

    private static byte[] BuildValues()
    {
        var values = new byte[128];
        Array.Fill(values, (byte)0xFF);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            values[Alphabet[i]] = (byte)i;
        }
        return values;
    }

    /// <summary>The text of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The length is not a multiple of 4.</exception>
    public static string Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length % 4 != 0)
        {
            throw new ArgumentException($"Z85 encodes whole groups of 4 bytes; {data.Length} bytes is not a multiple of 4", nameof(data));
        }
        return string.Create(data.Length / 4 * 5, data.ToArray(), static (chars, bytes) =>
        {
            for (int g = 0; g < bytes.Length / 4; g++)
            {
                uint value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(g * 4));
                for (int i = 4; i >= 0; i--)
                {
                    chars[(g * 5) + i] = Alphabet[(int)(value % 85)];
                    value /= 85;
                }
            }
        });
    }

    /// <summary>The bytes <paramref name="text"/> stands for.</summary>
    /// <exception cref="FormatException">The length is not a multiple of 5, a character is not in
    /// the alphabet, or a group stands for more than 32 bits.</exception>
    public static byte[] Decode(ReadOnlySpan<char> text) =>
        TryDecode(text, out var bytes, out string? error) ? bytes : throw new FormatException(error);

    /// <summary><see cref="Decode"/> without the exception: false, with <paramref name="error"/>
    /// saying why, for text that is not Z85.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes, out string? error)
    {
        bytes = [];
        if (text.Length % 5 != 0)
        {
            error = $"Z85 decodes whole groups of 5 characters; {text.Length} characters is not a multiple of 5";
            return false;
        }
        var result = new byte[text.Length / 5 * 4];
        for (int g = 0; g < text.Length / 5; g++)
        {
            ulong value = 0;
            for (int i = 0; i < 5; i++)
            {
                char c = text[(g * 5) + i];
                byte digit = c < 128 ? Values[c] : (byte)0xFF;
                if (digit == 0xFF)
                {
                    error = $"'{c}' at {(g * 5) + i} is not a Z85 character";
                    return false;
                }
                value = (value * 85) + digit;
            }
            if (value > uint.MaxValue)
            {
                error = $"the group at {g * 5} stands for more than 32 bits";
                return false;
            }
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(g * 4), (uint)value);
        }
        bytes = result;
        error = null;
        return true;
    }
}
