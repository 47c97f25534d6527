namespace Zmq.Tests.Security;

/// <summary>Z85 (RFC 32) against its own test vector and libzmq's test_z85 cases.</summary>
public class Z85Tests
{
    [Fact]
    public void Rfc32Vector_EncodesToHelloWorld_AndBack()
    {
        byte[] data = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        Assert.Equal("HelloWorld", Z85.Encode(data));
        Assert.Equal(data, Z85.Decode("HelloWorld"));
    }

    [Theory]
    [InlineData("00000000", "00000")]
    [InlineData("FFFFFFFF", "%nSc0")]
    public void TheSmallestAndLargestGroups(string hex, string text)
    {
        Assert.Equal(text, Z85.Encode(Convert.FromHexString(hex)));
        Assert.Equal(Convert.FromHexString(hex), Z85.Decode(text));
    }

    [Theory]
    [InlineData("%nSc1", "more than 32 bits")]
    [InlineData("#####", "more than 32 bits")]
    [InlineData("0", "multiple of 5")]
    [InlineData("00000000", "multiple of 5")]
    [InlineData("0000\"", "not a Z85 character")]
    [InlineData("0000é", "not a Z85 character")]
    public void Decode_RefusesWhatIsNotZ85_SayingWhy(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => Z85.Decode(text));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.False(Z85.TryDecode(text, out _, out string? error));
        Assert.Equal(e.Message, error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    public void Encode_RefusesAPartialGroup(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => Z85.Encode(new byte[length]));
        Assert.Contains("multiple of 4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACurveKey_RoundTrips()
    {
        const string text = "r^/rM9M=rMToK)63O8dCvd9D<PY<7iGlC+{BiSnG";
        var bytes = Z85.Decode(text);
        Assert.Equal(32, bytes.Length);
        Assert.Equal(text, Z85.Encode(bytes));
        Assert.Equal("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", Z85.Encode(Convert.FromHexString("BB88471D65E2659B30C55A5321CEBB5AAB2B70A398645C26DCA2B2FCB43FC518")));
    }
}
