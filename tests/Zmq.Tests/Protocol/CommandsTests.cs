using System.Text;
using Zmq.Protocol;
using static Zmq.Tests.Protocol.TestBytes;

namespace Zmq.Tests.Protocol;

public class CommandsTests
{
    private const string ReadyClient = "04 1C 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 43 4C 49 45 4E 54";
    private const string ReadyDealer = "04 29 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 06 44 45 41 4C 45 52 08 49 64 65 6E 74 69 74 79 00 00 00 00";

    /// <summary>Strips the two-byte short header the command vectors all use.</summary>
    private static byte[] Body(byte[] frame) => frame[2..];

    [Fact]
    public void BuildReadyFrame_ClientMatchesDigestVector()
    {
        Assert.Equal(Hex(ReadyClient), Commands.BuildReadyFrame("CLIENT", [], sendIdentity: false));
    }

    [Theory]
    [InlineData("SERVER", "53 45 52 56 45 52")]
    [InlineData("ROUTER", "52 4F 55 54 45 52")]
    public void BuildReadyFrame_OtherSixLetterTypesDifferOnlyInTheValue(string type, string valueHex)
    {
        var expected = Concat(Hex(ReadyClient)[..^6], Hex(valueHex));

        Assert.Equal(expected, Commands.BuildReadyFrame(type, [], sendIdentity: false));
    }

    [Fact]
    public void BuildReadyFrame_DealerWithEmptyIdentityMatchesRfc23Example()
    {
        // lz sends Identity from DEALER even when empty, and peers expect the 43-byte form.
        Assert.Equal(Hex(ReadyDealer), Commands.BuildReadyFrame("DEALER", [], sendIdentity: true));
    }

    [Fact]
    public void BuildReadyFrame_SubMatchesLibzmqVector()
    {
        Assert.Equal(
            Hex("04 19 05 52 45 41 44 59 0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 03 53 55 42"),
            Commands.BuildReadyFrame("SUB", [], sendIdentity: false));
    }

    [Fact]
    public void BuildReadyFrame_IdentityValueRoundTrips()
    {
        var frame = Commands.BuildReadyFrame("DEALER", "peer-7"u8, sendIdentity: true);

        Assert.True(Commands.TryParse(Body(frame), out string name, out var data, out _));
        var props = Commands.TryParseProperties(data, out string? error);

        Assert.Equal(Commands.Ready, name);
        Assert.Null(error);
        Assert.NotNull(props);
        Assert.Equal("DEALER"u8.ToArray(), props[Commands.SocketTypeProperty]);
        Assert.Equal("peer-7"u8.ToArray(), props[Commands.IdentityProperty]);
    }

    [Fact]
    public void TryParseProperties_ReadsDealerVectorIncludingEmptyIdentity()
    {
        Assert.True(Commands.TryParse(Body(Hex(ReadyDealer)), out _, out var data, out _));

        var props = Commands.TryParseProperties(data, out string? error);

        Assert.Null(error);
        Assert.NotNull(props);
        Assert.Equal(2, props.Count);
        Assert.Equal("DEALER"u8.ToArray(), props["Socket-Type"]);
        Assert.Empty(props["Identity"]);
    }

    [Fact]
    public void TryParseProperties_NamesAreCaseInsensitive()
    {
        Assert.True(Commands.TryParse(Body(Hex(ReadyClient)), out _, out var data, out _));

        var props = Commands.TryParseProperties(data, out _);

        Assert.NotNull(props);
        Assert.Equal("CLIENT"u8.ToArray(), props["socket-type"]);
    }

    [Fact]
    public void TryParseProperties_RoundTripsEncodeProperties()
    {
        var input = new List<KeyValuePair<string, byte[]>>
        {
            new("Socket-Type", "SERVER"u8.ToArray()),
            new("Identity", []),
            new("X-Binary", [0x00, 0xFF, 0x00, 0x7F]),
            new("X-Big", Pattern(70_000)),
            new(new string('N', 255), "max-name"u8.ToArray()),
        };

        var props = Commands.TryParseProperties(Commands.EncodeProperties(input), out string? error);

        Assert.Null(error);
        Assert.NotNull(props);
        Assert.Equal(input.Count, props.Count);
        foreach (var (name, value) in input)
        {
            Assert.Equal(value, props[name]);
        }
    }

    [Fact]
    public void TryParseProperties_EmptyMetadataIsAnEmptySet()
    {
        // lz accepts a READY without Socket-Type, so an empty property list must parse.
        var props = Commands.TryParseProperties([], out string? error);

        Assert.Null(error);
        Assert.NotNull(props);
        Assert.Empty(props);
    }

    [Theory]
    [InlineData("0B 53 6F 63 6B")]
    [InlineData("0B 53 6F 63 6B 65 74 2D 54 79 70 65")]
    [InlineData("0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00")]
    [InlineData("0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 03 53 55 42 08 49 64")]
    [InlineData("00 00 00 00 00")]
    public void TryParseProperties_RefusesTruncatedProperty(string data)
    {
        var props = Commands.TryParseProperties(Hex(data), out string? error);

        Assert.Null(props);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("0B 53 6F 63 6B 65 74 2D 54 79 70 65 00 00 00 07 43 4C 49 45 4E 54")]
    [InlineData("0B 53 6F 63 6B 65 74 2D 54 79 70 65 80 00 00 00 43")]
    [InlineData("0B 53 6F 63 6B 65 74 2D 54 79 70 65 FF FF FF FF")]
    public void TryParseProperties_RefusesValueLengthPastTheEnd(string data)
    {
        // The 0x80000000 and 0xFFFFFFFF lengths would go negative if read as a signed int.
        var props = Commands.TryParseProperties(Hex(data), out string? error);

        Assert.Null(props);
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("05 52 45 41 44")]
    [InlineData("FF 41")]
    [InlineData("00 41 42")]
    public void TryParse_RefusesEmptyBodyAndNameLengthThatDoesNotFit(string body)
    {
        Assert.False(Commands.TryParse(Hex(body), out _, out _, out string? error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParse_RefusesNonPrintableName()
    {
        Assert.False(Commands.TryParse(Hex("04 50 49 00 47"), out _, out _, out string? error));
        Assert.NotNull(error);
    }

    [Fact]
    public void TryParse_NameFillingTheWholeBodyLeavesEmptyData()
    {
        Assert.True(Commands.TryParse(Hex("07 57 45 4C 43 4F 4D 45"), out string name, out var data, out string? error));

        Assert.Null(error);
        Assert.Equal("WELCOME", name);
        Assert.True(data.IsEmpty);
    }

    [Fact]
    public void BuildPingFrame_MatchesLibzmqVectors()
    {
        Assert.Equal(Hex("04 0A 04 50 49 4E 47 00 00 4C 4F 4C"), Commands.BuildPingFrame(0, "LOL"u8));
        Assert.Equal(Hex("04 07 04 50 49 4E 47 01 2C"), Commands.BuildPingFrame(300, []));
    }

    [Fact]
    public void BuildPongFrame_EchoesPingContextLol()
    {
        Assert.True(Commands.TryParse(Body(Hex("04 0A 04 50 49 4E 47 00 00 4C 4F 4C")), out _, out var pingData, out _));

        Assert.Equal(Hex("04 08 04 50 4F 4E 47 4C 4F 4C"), Commands.BuildPongFrame(pingData));
    }

    [Fact]
    public void BuildPongFrame_Ping65ByteBodyGivesPong21ByteBody()
    {
        // lz test_heartbeats: the context is cut to 16 bytes, so 1+4+2+58 → 1+4+16.
        var context = Pattern(58);
        var pingBody = Concat([0x04], "PING"u8.ToArray(), [0x00, 0x00], context);
        Assert.Equal(65, pingBody.Length);
        Assert.True(Commands.TryParse(pingBody, out _, out var pingData, out _));

        var pong = Commands.BuildPongFrame(pingData);

        Assert.Equal(Hex("04 15"), pong[..2]);
        Assert.Equal(23, pong.Length);
        Assert.Equal(Concat([0x04], "PONG"u8.ToArray(), context[..16]), pong[2..]);
    }

    [Fact]
    public void BuildPongFrame_PingWithoutContextGivesEmptyPong()
    {
        Assert.Equal(Hex("04 05 04 50 4F 4E 47"), Commands.BuildPongFrame(Hex("01 2C")));
    }

    [Fact]
    public void BuildErrorFrame_400MatchesDigestVector()
    {
        Assert.Equal(Hex("04 0A 05 45 52 52 4F 52 03 34 30 30"), Commands.BuildErrorFrame("400"));
    }

    [Fact]
    public void BuildErrorFrame_ReasonIsCutTo255BytesSoItsLengthFitsOneOctet()
    {
        var frame = Commands.BuildErrorFrame(new string('x', 300));

        // 1 + 5 + 1 + 255 = 262 bytes of body: long form.
        Assert.Equal(Hex("06 00 00 00 00 00 00 01 06 05 45 52 52 4F 52 FF"), frame[..16]);
        Assert.Equal(9 + 262, frame.Length);
    }

    [Fact]
    public void ParseErrorReason_ReadsDigestVector()
    {
        Assert.True(Commands.TryParse(Body(Hex("04 0A 05 45 52 52 4F 52 03 34 30 30")), out string name, out var data, out _));

        Assert.Equal(Commands.Error, name);
        Assert.Equal("400", Commands.ParseErrorReason(data));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("09 34 30", "40")]
    public void ParseErrorReason_ToleratesMissingOrShortReason(string data, string expected)
    {
        // The connection is being closed anyway; a malformed reason must not throw on the way out.
        Assert.Equal(expected, Commands.ParseErrorReason(Hex(data)));
    }

    [Theory]
    [InlineData("SUBSCRIBE", "A", "04 0B 09 53 55 42 53 43 52 49 42 45 41")]
    [InlineData("CANCEL", "A", "04 08 06 43 41 4E 43 45 4C 41")]
    [InlineData("JOIN", "weather", "04 0C 04 4A 4F 49 4E 77 65 61 74 68 65 72")]
    [InlineData("LEAVE", "weather", "04 0D 05 4C 45 41 56 45 77 65 61 74 68 65 72")]
    [InlineData("WELCOME", "", "04 08 07 57 45 4C 43 4F 4D 45")]
    public void BuildFrame_MatchesDigestCommandVectors(string name, string data, string expected)
    {
        Assert.Equal(Hex(expected), Commands.BuildFrame(name, Encoding.ASCII.GetBytes(data)));
    }

    [Fact]
    public void BuildFrame_PlainHelloMatchesDigestVector()
    {
        var data = Concat([5], "admin"u8.ToArray(), [6], "secret"u8.ToArray());

        Assert.Equal(
            Hex("04 13 05 48 45 4C 4C 4F 05 61 64 6D 69 6E 06 73 65 63 72 65 74"),
            Commands.BuildFrame("HELLO", data));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public void EncodeProperties_RefusesNameLengthThatDoesNotFitOneOctet(int nameLength)
    {
        var props = new[] { new KeyValuePair<string, byte[]>(new string('N', nameLength), []) };

        Assert.Throws<ArgumentException>(() => Commands.EncodeProperties(props));
    }
}
