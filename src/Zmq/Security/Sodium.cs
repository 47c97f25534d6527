using System.Runtime.InteropServices;

namespace Zmq.Security;

/// <summary>
/// The few libsodium functions CURVE needs (crypto_box: X25519, XSalsa20 and Poly1305, as libzmq
/// uses them), from the native library the <c>libsodium</c> NuGet package ships for each platform.
/// It is loaded at the first CURVE key or handshake only: an application that never uses CURVE
/// never loads native code. Boxes are in libsodium's "easy" form, the 16-byte tag then the
/// ciphertext, which is the form CurveZMQ puts on the wire.
/// </summary>
internal static class Sodium
{
    private const string Lib = "libsodium";

    public const int KeyBytes = 32;
    public const int MacBytes = 16;
    public const int NonceBytes = 24;

    private static readonly Lazy<bool> Ready = new(() =>
    {
        try
        {
            // 0: initialised now; 1: already was; -1: failed.
            return sodium_init() >= 0 ? true : throw new PlatformNotSupportedException("libsodium failed to initialise, so CURVE cannot be used");
        }
        catch (DllNotFoundException e)
        {
            throw new PlatformNotSupportedException($"CURVE needs libsodium, which the libsodium NuGet package ships for this platform, and it did not load: {e.Message}", e);
        }
    });

    /// <summary>Loads and initialises libsodium once; throws <see cref="PlatformNotSupportedException"/> where it cannot.</summary>
    public static void EnsureLoaded() => _ = Ready.Value;

    public static void RandomBytes(Span<byte> buffer)
    {
        EnsureLoaded();
        randombytes_buf(ref MemoryMarshal.GetReference(buffer), (nuint)buffer.Length);
    }

    /// <summary>A new key pair.</summary>
    public static void KeyPair(Span<byte> publicKey, Span<byte> secretKey)
    {
        EnsureLoaded();
        Check(crypto_box_keypair(ref MemoryMarshal.GetReference(publicKey), ref MemoryMarshal.GetReference(secretKey)), "crypto_box_keypair");
    }

    /// <summary>The public key of a secret key.</summary>
    public static void PublicKeyOf(ReadOnlySpan<byte> secretKey, Span<byte> publicKey)
    {
        EnsureLoaded();
        Check(crypto_scalarmult_base(ref MemoryMarshal.GetReference(publicKey), ref MemoryMarshal.GetReference(secretKey)), "crypto_scalarmult_base");
    }

    /// <summary>The shared key of a peer's public key and one's own secret key, precomputed once
    /// per connection (crypto_box_beforenm).</summary>
    public static bool SharedKey(Span<byte> shared, ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> secretKey)
    {
        EnsureLoaded();
        return crypto_box_beforenm(ref MemoryMarshal.GetReference(shared), ref MemoryMarshal.GetReference(publicKey), ref MemoryMarshal.GetReference(secretKey)) == 0;
    }

    /// <summary>Boxes <paramref name="message"/> into <paramref name="box"/> (its length plus
    /// <see cref="MacBytes"/>) with a shared key.</summary>
    public static void Box(Span<byte> box, ReadOnlySpan<byte> message, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sharedKey)
    {
        Check(crypto_box_easy_afternm(ref MemoryMarshal.GetReference(box), ref MemoryMarshal.GetReference(message), (ulong)message.Length, ref MemoryMarshal.GetReference(nonce), ref MemoryMarshal.GetReference(sharedKey)), "crypto_box_easy_afternm");
    }

    /// <summary>Opens a box made with the same shared key; false when it was not (tampered with,
    /// wrong key or nonce).</summary>
    public static bool Open(Span<byte> message, ReadOnlySpan<byte> box, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sharedKey) =>
        box.Length >= MacBytes
        && crypto_box_open_easy_afternm(ref MemoryMarshal.GetReference(message), ref MemoryMarshal.GetReference(box), (ulong)box.Length, ref MemoryMarshal.GetReference(nonce), ref MemoryMarshal.GetReference(sharedKey)) == 0;

    /// <summary>
    /// The XSalsa20 subkey of a shared key and the first 16 bytes of a nonce (crypto_core_hsalsa20):
    /// the first step of every box. CurveZMQ's MESSAGE nonces share those 16 bytes (the direction's
    /// prefix) for a whole connection, so the step is taken once per direction, not once per message.
    /// </summary>
    public static void Subkey(Span<byte> subkey, ReadOnlySpan<byte> sharedKey, ReadOnlySpan<byte> noncePrefix16)
    {
        EnsureLoaded();
        Check(crypto_core_hsalsa20(ref MemoryMarshal.GetReference(subkey), ref MemoryMarshal.GetReference(noncePrefix16), ref MemoryMarshal.GetReference(sharedKey), IntPtr.Zero), "crypto_core_hsalsa20");
    }

    /// <summary>
    /// <see cref="Box"/> for a nonce whose first 16 bytes gave <paramref name="subkey"/>
    /// (<see cref="Subkey"/>), and whose last 8 are <paramref name="nonce8"/>: the same bytes as
    /// crypto_box_easy_afternm, made from the steps libsodium's crypto_secretbox takes after the
    /// subkey (Salsa20 from block 0, whose first 32 bytes key Poly1305 over the ciphertext).
    /// <paramref name="box"/> is the tag then the ciphertext; the plaintext may already sit where
    /// the ciphertext goes.
    /// </summary>
    public static void BoxWithSubkey(Span<byte> box, ReadOnlySpan<byte> message, ReadOnlySpan<byte> nonce8, ReadOnlySpan<byte> subkey)
    {
        var cipher = box[MacBytes..];
        Span<byte> block0 = stackalloc byte[64];
        int head = FirstBlock(block0, message, nonce8, subkey);
        FromBlockOne(cipher[head..], message[head..], nonce8, subkey);
        block0.Slice(32, head).CopyTo(cipher);
        Check(crypto_onetimeauth_poly1305(ref MemoryMarshal.GetReference(box), ref MemoryMarshal.GetReference(cipher), (ulong)message.Length, ref MemoryMarshal.GetReference(block0)), "crypto_onetimeauth_poly1305");
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(block0);
    }

    /// <summary><see cref="Open"/> for a box made by <see cref="BoxWithSubkey"/> (or any box of that
    /// nonce): the tag is checked before anything is decrypted; false when it does not match. The
    /// plaintext may go where the ciphertext is.</summary>
    public static bool OpenWithSubkey(Span<byte> message, ReadOnlySpan<byte> box, ReadOnlySpan<byte> nonce8, ReadOnlySpan<byte> subkey)
    {
        if (box.Length < MacBytes)
        {
            return false;
        }
        var cipher = box[MacBytes..];
        Span<byte> block0 = stackalloc byte[64];
        int head = FirstBlock(block0, cipher, nonce8, subkey);
        bool genuine = crypto_onetimeauth_poly1305_verify(ref MemoryMarshal.GetReference(box), ref MemoryMarshal.GetReference(cipher), (ulong)cipher.Length, ref MemoryMarshal.GetReference(block0)) == 0;
        if (genuine)
        {
            FromBlockOne(message[head..], cipher[head..], nonce8, subkey);
            block0.Slice(32, head).CopyTo(message);
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(block0);
        return genuine;
    }

    /// <summary>Salsa20's block 0 over 32 zero bytes and then the first (at most 32) bytes of
    /// <paramref name="data"/>: <paramref name="block0"/> gets the Poly1305 key, then those bytes
    /// transformed. Returns how many of them there were.</summary>
    private static int FirstBlock(Span<byte> block0, ReadOnlySpan<byte> data, ReadOnlySpan<byte> nonce8, ReadOnlySpan<byte> subkey)
    {
        int head = Math.Min(data.Length, 32);
        block0[..32].Clear();
        data[..head].CopyTo(block0[32..]);
        Check(crypto_stream_salsa20_xor_ic(ref MemoryMarshal.GetReference(block0), ref MemoryMarshal.GetReference(block0), (ulong)(32 + head), ref MemoryMarshal.GetReference(nonce8), 0, ref MemoryMarshal.GetReference(subkey)), "crypto_stream_salsa20_xor_ic");
        return head;
    }

    /// <summary>The rest of the data, from Salsa20's block 1 on.</summary>
    private static void FromBlockOne(Span<byte> output, ReadOnlySpan<byte> input, ReadOnlySpan<byte> nonce8, ReadOnlySpan<byte> subkey)
    {
        if (input.Length > 0)
        {
            Check(crypto_stream_salsa20_xor_ic(ref MemoryMarshal.GetReference(output), ref MemoryMarshal.GetReference(input), (ulong)input.Length, ref MemoryMarshal.GetReference(nonce8), 1, ref MemoryMarshal.GetReference(subkey)), "crypto_stream_salsa20_xor_ic");
        }
    }

    /// <summary>crypto_secretbox: a box under one symmetric key (CurveZMQ's cookie).</summary>
    public static void SecretBox(Span<byte> box, ReadOnlySpan<byte> message, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key)
    {
        EnsureLoaded();
        Check(crypto_secretbox_easy(ref MemoryMarshal.GetReference(box), ref MemoryMarshal.GetReference(message), (ulong)message.Length, ref MemoryMarshal.GetReference(nonce), ref MemoryMarshal.GetReference(key)), "crypto_secretbox_easy");
    }

    public static bool SecretOpen(Span<byte> message, ReadOnlySpan<byte> box, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> key) =>
        box.Length >= MacBytes
        && crypto_secretbox_open_easy(ref MemoryMarshal.GetReference(message), ref MemoryMarshal.GetReference(box), (ulong)box.Length, ref MemoryMarshal.GetReference(nonce), ref MemoryMarshal.GetReference(key)) == 0;

    private static void Check(int rc, string call)
    {
        if (rc != 0)
        {
            throw new System.Security.Cryptography.CryptographicException($"libsodium's {call} failed");
        }
    }

    [DllImport(Lib)]
    private static extern int sodium_init();

    [DllImport(Lib)]
    private static extern void randombytes_buf(ref byte buffer, nuint size);

    [DllImport(Lib)]
    private static extern int crypto_box_keypair(ref byte publicKey, ref byte secretKey);

    [DllImport(Lib)]
    private static extern int crypto_scalarmult_base(ref byte q, ref byte n);

    [DllImport(Lib)]
    private static extern int crypto_box_beforenm(ref byte k, ref byte publicKey, ref byte secretKey);

    [DllImport(Lib)]
    private static extern int crypto_box_easy_afternm(ref byte c, ref byte m, ulong mlen, ref byte n, ref byte k);

    [DllImport(Lib)]
    private static extern int crypto_box_open_easy_afternm(ref byte m, ref byte c, ulong clen, ref byte n, ref byte k);

    [DllImport(Lib)]
    private static extern int crypto_core_hsalsa20(ref byte output, ref byte input, ref byte key, IntPtr constant);

    // Short calls that never block or call back: no GC transition needed.
    [DllImport(Lib)]
    [System.Runtime.InteropServices.SuppressGCTransition]
    private static extern int crypto_stream_salsa20_xor_ic(ref byte c, ref byte m, ulong mlen, ref byte n, ulong ic, ref byte k);

    [DllImport(Lib)]
    [System.Runtime.InteropServices.SuppressGCTransition]
    private static extern int crypto_onetimeauth_poly1305(ref byte output, ref byte input, ulong inlen, ref byte k);

    [DllImport(Lib)]
    [System.Runtime.InteropServices.SuppressGCTransition]
    private static extern int crypto_onetimeauth_poly1305_verify(ref byte h, ref byte input, ulong inlen, ref byte k);

    [DllImport(Lib)]
    private static extern int crypto_secretbox_easy(ref byte c, ref byte m, ulong mlen, ref byte n, ref byte k);

    [DllImport(Lib)]
    private static extern int crypto_secretbox_open_easy(ref byte m, ref byte c, ulong clen, ref byte n, ref byte k);
}
