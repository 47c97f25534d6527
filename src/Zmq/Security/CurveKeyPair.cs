using Zmq.Security;

namespace Zmq;

/// <summary>
/// A CURVE key pair (Curve25519, as CurveZMQ and libzmq's <c>zmq_curve_keypair</c>): a 32-byte
/// public key to hand out and a 32-byte secret key to keep. Both are also given as 40 Z85
/// characters, the text form libzmq, pyzmq and <c>zmq keygen</c> print. CURVE's cryptography is
/// libsodium's, loaded at first use.
/// </summary>
public sealed class CurveKeyPair
{
    private readonly byte[] _public;
    private readonly byte[] _secret;

    private CurveKeyPair(byte[] publicKey, byte[] secretKey)
    {
        _public = publicKey;
        _secret = secretKey;
    }

    /// <summary>A copy of the public key (32 bytes).</summary>
    public byte[] PublicKey => (byte[])_public.Clone();

    /// <summary>A copy of the secret key (32 bytes).</summary>
    public byte[] SecretKey => (byte[])_secret.Clone();

    /// <summary>The public key as 40 Z85 characters.</summary>
    public string PublicKeyZ85 => Z85.Encode(_public);

    /// <summary>The secret key as 40 Z85 characters.</summary>
    public string SecretKeyZ85 => Z85.Encode(_secret);

    internal ReadOnlySpan<byte> Public => _public;

    internal ReadOnlySpan<byte> Secret => _secret;

    /// <summary>A new random key pair.</summary>
    /// <exception cref="PlatformNotSupportedException">libsodium cannot be loaded on this platform.</exception>
    public static CurveKeyPair Generate()
    {
        var publicKey = new byte[Sodium.KeyBytes];
        var secretKey = new byte[Sodium.KeyBytes];
        Sodium.KeyPair(publicKey, secretKey);
        return new CurveKeyPair(publicKey, secretKey);
    }

    /// <summary>The pair of a secret key: its public key is derived (libzmq's <c>zmq_curve_public</c>).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    /// <exception cref="PlatformNotSupportedException">libsodium cannot be loaded on this platform.</exception>
    public static CurveKeyPair FromSecretKey(ReadOnlySpan<byte> secretKey)
    {
        var secret = CheckKey(secretKey, nameof(secretKey));
        var publicKey = new byte[Sodium.KeyBytes];
        Sodium.PublicKeyOf(secret, publicKey);
        return new CurveKeyPair(publicKey, secret);
    }

    /// <summary>The pair of a secret key given as 40 Z85 characters.</summary>
    /// <exception cref="ArgumentException">The text is not 40 Z85 characters.</exception>
    public static CurveKeyPair FromSecretKey(string secretKeyZ85) => FromSecretKey(ParseKey(secretKeyZ85, nameof(secretKeyZ85)));

    /// <summary>A 32-byte key from its 40 Z85 characters.</summary>
    /// <exception cref="ArgumentException">The text is not 40 Z85 characters.</exception>
    public static byte[] ParseKey(string keyZ85) => ParseKey(keyZ85, nameof(keyZ85));

    internal static byte[] ParseKey(string keyZ85, string name)
    {
        ArgumentNullException.ThrowIfNull(keyZ85, name);
        if (keyZ85.Length != 40)
        {
            throw new ArgumentException($"a CURVE key in text is 40 Z85 characters, not {keyZ85.Length}", name);
        }
        return Z85.TryDecode(keyZ85, out var key, out string? error) ? key : throw new ArgumentException($"a CURVE key in text is 40 Z85 characters: {error}", name);
    }

    internal static byte[] CheckKey(ReadOnlySpan<byte> key, string paramName) => key.Length == Sodium.KeyBytes
        ? key.ToArray()
        : throw new ArgumentException($"a CURVE key is {Sodium.KeyBytes} bytes, not {key.Length}", paramName);
}
