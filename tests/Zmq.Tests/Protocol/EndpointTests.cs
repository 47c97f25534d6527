using Zmq.Transport;

namespace Zmq.Tests.Protocol;

public class EndpointTests
{
    private static TcpAddress Tcp(string endpoint, bool forBind) => TcpAddress.Parse(Endpoint.Parse(endpoint), forBind);

    [Fact]
    public void Parse_SplitsTransportAndAddress()
    {
        var ep = Endpoint.Parse("tcp://127.0.0.1:5555");

        Assert.Equal("tcp", ep.Transport);
        Assert.Equal("127.0.0.1:5555", ep.Address);
        Assert.Equal("tcp://127.0.0.1:5555", ep.Original);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TcpAddress_ParsesIpv4HostAndPort(bool forBind)
    {
        var a = Tcp("tcp://127.0.0.1:5555", forBind);

        Assert.Equal("127.0.0.1", a.Host);
        Assert.Equal(5555, a.Port);
        Assert.Null(a.SourceHost);
        Assert.False(a.IsWildcardHost);
    }

    [Fact]
    public void TcpAddress_BindWildcardHostAndPortMeansAllInterfacesEphemeralPort()
    {
        var a = Tcp("tcp://*:*", forBind: true);

        Assert.True(a.IsWildcardHost);
        Assert.Equal(0, a.Port);
    }

    [Fact]
    public void TcpAddress_BindBracketedIpv6StripsBrackets()
    {
        var a = Tcp("tcp://[::1]:0", forBind: true);

        Assert.Equal("::1", a.Host);
        Assert.Equal(0, a.Port);
    }

    [Fact]
    public void TcpAddress_ConnectBracketedIpv6()
    {
        var a = Tcp("tcp://[::1]:5555", forBind: false);

        Assert.Equal("::1", a.Host);
        Assert.Equal(5555, a.Port);
    }

    [Fact]
    public void TcpAddress_ConnectAcceptsHostName()
    {
        var a = Tcp("tcp://localhost:80", forBind: false);

        Assert.Equal("localhost", a.Host);
        Assert.Equal(80, a.Port);
    }

    [Fact]
    public void TcpAddress_ConnectSourceFormGivesSourceAndDestination()
    {
        var a = Tcp("tcp://127.0.0.1:0;127.0.0.1:5555", forBind: false);

        Assert.Equal("127.0.0.1", a.SourceHost);
        Assert.Equal(0, a.SourcePort);
        Assert.Equal("127.0.0.1", a.Host);
        Assert.Equal(5555, a.Port);
    }

    [Theory]
    [InlineData("tcp://localhost:0;127.0.0.1:5555")]
    [InlineData("tcp://eth0:0;127.0.0.1:5555")]
    public void TcpAddress_ConnectSourceThatIsNotAnAddress_IsRefusedAtConnect(string endpoint)
    {
        var e = Assert.Throws<InvalidEndpointException>(() => Tcp(endpoint, forBind: false));
        Assert.Contains("source", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:5555")]
    [InlineData("tcp:/127.0.0.1:5555")]
    [InlineData("://127.0.0.1:5555")]
    [InlineData("tcp://")]
    public void Parse_RefusesMissingTransportSeparatorOrAddress(string endpoint)
    {
        // Exact type: TransportNotSupportedException derives from InvalidEndpointException.
        Assert.Throws<InvalidEndpointException>(() => Endpoint.Parse(endpoint));
    }

    [Theory]
    [InlineData("foo://x")]
    [InlineData("udpx://x")]
    [InlineData("TCP://127.0.0.1:5555")]
    public void Parse_RefusesUnknownTransport(string endpoint)
    {
        Assert.Throws<TransportNotSupportedException>(() => Endpoint.Parse(endpoint));
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:65536")]
    [InlineData("tcp://127.0.0.1:-1")]
    [InlineData("tcp://127.0.0.1:+80")]
    [InlineData("tcp://127.0.0.1:abc")]
    [InlineData("tcp://127.0.0.1: 80")]
    [InlineData("tcp://127.0.0.1:")]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("tcp://:5555")]
    [InlineData("tcp://127.0.0.1:99999999999")]
    public void TcpAddress_RefusesBadPortOrMissingHost(string endpoint)
    {
        Assert.Throws<InvalidEndpointException>(() => Tcp(endpoint, forBind: true));
        Assert.Throws<InvalidEndpointException>(() => Tcp(endpoint, forBind: false));
    }

    [Theory]
    [InlineData("tcp://::1:5555")]
    [InlineData("tcp://fe80::1:5555")]
    public void TcpAddress_RefusesIpv6WithoutBrackets(string endpoint)
    {
        Assert.Throws<InvalidEndpointException>(() => Tcp(endpoint, forBind: true));
    }

    [Theory]
    [InlineData("tcp://[127.0.0.1]:5555")]
    [InlineData("tcp://[nothost]:5555")]
    public void TcpAddress_RefusesBracketsAroundNonIpv6(string endpoint)
    {
        Assert.Throws<InvalidEndpointException>(() => Tcp(endpoint, forBind: true));
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:*")]
    [InlineData("tcp://*:5555")]
    [InlineData("tcp://127.0.0.1:0")]
    public void TcpAddress_ConnectRefusesWildcardOrZeroPortAndWildcardHost(string endpoint)
    {
        Assert.Throws<InvalidEndpointException>(() => Tcp(endpoint, forBind: false));
    }

    [Fact]
    public void TcpAddress_BindRefusesSourceForm()
    {
        Assert.Throws<InvalidEndpointException>(() => Tcp("tcp://127.0.0.1:0;127.0.0.1:5555", forBind: true));
    }
}
