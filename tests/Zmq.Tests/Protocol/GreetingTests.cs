using Zmq.Protocol;
using static Zmq.Tests.Protocol.TestBytes;

namespace Zmq.Tests.Protocol;

public class GreetingTests
{
    // What libzmq 4.3 itself sends (digest §6): padding byte 8 = 0x01 for an empty identity, minor 1.
    private static readonly byte[] LibzmqGreeting = Concat(Hex("FF 00 00 00 00 00 00 00 01 7F 03 01 4E 55 4C 4C"), new byte[48]);

    private static byte[] PeerGreeting(byte major = 3, byte minor = 1, string mechanism = "NULL")
    {
        var g = new byte[Greeting.Size];
        g[0] = 0xFF;
        g[9] = 0x7F;
        g[10] = major;
        g[11] = minor;
        System.Text.Encoding.ASCII.GetBytes(mechanism).CopyTo(g, Greeting.MechanismOffset);
        return g;
    }

    [Fact]
    public void Write_DefaultGreetingIsByteForByteWhatLibzmqSends()
    {
        var buffer = new byte[Greeting.Size];
        buffer.AsSpan().Fill(0xAA); // stale bytes must not leak into the padding

        Greeting.Write(buffer);

        Assert.Equal(LibzmqGreeting, buffer);
    }

    [Fact]
    public void Write_OwnGreetingPassesOwnValidation()
    {
        var buffer = new byte[Greeting.Size];
        Greeting.Write(buffer);

        string? mechanism = Greeting.Validate(buffer, "NULL", out string? error);

        Assert.Null(error);
        Assert.Equal("NULL", mechanism);
    }

    [Fact]
    public void CheckPrefix_AcceptsEveryPrefixOfAValidGreeting()
    {
        // The engine calls CheckPrefix after every read, so no partial greeting may be refused early.
        for (int n = 0; n <= Greeting.Size; n++)
        {
            Assert.Null(Greeting.CheckPrefix(LibzmqGreeting.AsSpan(0, n)));
        }
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x01)]
    [InlineData(0x7F)]
    [InlineData(0xFE)]
    public void CheckPrefix_RefusesNonFFFirstByteAsSoonAsOneByteArrives(byte first)
    {
        Assert.NotNull(Greeting.CheckPrefix([first]));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x7E)]
    [InlineData(0xFE)]
    public void CheckPrefix_RefusesBadByte9AtTenBytes(byte byte9)
    {
        var prefix = LibzmqGreeting[..10];
        prefix[9] = byte9;

        Assert.Null(Greeting.CheckPrefix(prefix.AsSpan(0, 9)));
        Assert.NotNull(Greeting.CheckPrefix(prefix));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void CheckPrefix_RefusesMajorVersionBelow3AtElevenBytes(byte major)
    {
        var prefix = LibzmqGreeting[..11];
        prefix[10] = major;

        Assert.Null(Greeting.CheckPrefix(prefix.AsSpan(0, 10)));
        Assert.NotNull(Greeting.CheckPrefix(prefix));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(3, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 0)]
    [InlineData(4, 7)]
    [InlineData(255, 255)]
    public void Validate_AcceptsZmtp30AndEveryLaterVersion(byte major, byte minor)
    {
        string? mechanism = Greeting.Validate(PeerGreeting(major, minor), "NULL", out string? error);

        Assert.Null(error);
        Assert.Equal("NULL", mechanism);
    }

    [Fact]
    public void Validate_AcceptsTheZmtp30VectorWithZeroPadding()
    {
        // lz's zmtp_greeting_null: minor 0 and all-zero padding, unlike what we send.
        var v30 = Concat(Hex("FF 00 00 00 00 00 00 00 00 7F 03 00 4E 55 4C 4C"), new byte[48]);

        Greeting.Validate(v30, "NULL", out string? error);

        Assert.Null(error);
    }

    [Fact]
    public void Validate_IgnoresAsServerByte()
    {
        // libzmq never reads as-server, so a peer that sets it must still be accepted.
        var g = PeerGreeting();
        g[32] = 1;

        Greeting.Validate(g, "NULL", out string? error);

        Assert.Null(error);
    }

    [Fact]
    public void Validate_RefusesMechanismMismatch()
    {
        string? mechanism = Greeting.Validate(PeerGreeting(mechanism: "PLAIN"), "NULL", out string? error);

        Assert.NotNull(error);
        Assert.Equal("PLAIN", mechanism);
    }

    [Fact]
    public void Validate_RefusesMechanismThatIsOnlyAPrefixOfOurs()
    {
        // lz compares all 20 bytes, so "NUL" must not pass as "NULL".
        Greeting.Validate(PeerGreeting(mechanism: "NUL"), "NULL", out string? error);

        Assert.NotNull(error);
    }

    [Fact]
    public void Validate_RefusesMechanismNotNulPadded()
    {
        var g = PeerGreeting();
        g[Greeting.MechanismOffset + 6] = (byte)'X'; // "NULL\0\0X..."

        Greeting.Validate(g, "NULL", out string? error);

        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("NU LL")]
    [InlineData("NULL!")]
    [InlineData("NUL\u007f")]
    public void Validate_RefusesInvalidMechanismCharacters(string mechanism)
    {
        Greeting.Validate(PeerGreeting(mechanism: mechanism), mechanism, out string? error);

        Assert.NotNull(error);
    }

    [Fact]
    public void Validate_AcceptsTwentyCharacterMechanismWithoutPadding()
    {
        const string name = "ABCDEFGHIJ0123456789";

        string? mechanism = Greeting.Validate(PeerGreeting(mechanism: name), name, out string? error);

        Assert.Null(error);
        Assert.Equal(name, mechanism);
    }

    [Fact]
    public void Validate_RefusesBadSignatureBeforeLookingAtMechanism()
    {
        var g = PeerGreeting();
        g[0] = 0x00;

        string? mechanism = Greeting.Validate(g, "NULL", out string? error);

        Assert.NotNull(error);
        Assert.Null(mechanism);
    }
}
