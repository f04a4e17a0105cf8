using System.Text;
using Minato.Engine.Network;

namespace Minato.Tests.Engine.Network;

public sealed class CniResultTests
{
    [Fact]
    public void Parse_Version100Result_ReadsIpsGatewaysAndInterfaces()
    {
        var result = CniResult.Parse(Encoding.UTF8.GetBytes("""
            {"cniVersion":"1.0.0","interfaces":[{"name":"cni0"},{"name":"veth1"},{"name":"eth0","sandbox":"/x"}],
             "ips":[{"interface":2,"address":"fd00::5/64","gateway":"fd00::1"},{"interface":2,"address":"10.22.0.5/16","gateway":"10.22.0.1"}],
             "routes":[{"dst":"0.0.0.0/0"}],"dns":{}}
            """));

        Assert.Equal("1.0.0", result.CniVersion);
        Assert.Equal(["10.22.0.5", "fd00::5"], result.Addresses.Select(a => a.ToString()));
        var v4 = Assert.Single(result.Ips, i => i.PrefixLength == 16);
        Assert.Equal("10.22.0.1", v4.Gateway?.ToString());
        Assert.Equal("eth0", v4.InterfaceName);
    }

    [Fact]
    public void Parse_Version040ResultWithVersionField_IsAccepted()
    {
        var result = CniResult.Parse(Encoding.UTF8.GetBytes("""{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.0.2/24"}]}"""));

        Assert.Equal("10.1.0.2", Assert.Single(result.Addresses).ToString());
        Assert.Null(result.Ips[0].InterfaceName);
    }

    [Fact]
    public void Parse_OutOfRangeInterfaceIndex_IsIgnored()
    {
        var result = CniResult.Parse(Encoding.UTF8.GetBytes("""{"cniVersion":"1.0.0","interfaces":[],"ips":[{"interface":7,"address":"10.1.0.2/24"}]}"""));

        Assert.Null(result.Ips[0].InterfaceName);
    }

    [Theory]
    [InlineData("""{"ips":[{"address":"10.1.0.2"}]}""")]
    [InlineData("""{"ips":[{"address":"10.1.0.2/33"}]}""")]
    [InlineData("""{"ips":[{"address":"not-an-ip/24"}]}""")]
    [InlineData("""{"ips":[{"address":5}]}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{ not json""")]
    public void Parse_Malformed_IsRefused(string json) =>
        Assert.Throws<CniException>(() => CniResult.Parse(Encoding.UTF8.GetBytes(json)));
}
