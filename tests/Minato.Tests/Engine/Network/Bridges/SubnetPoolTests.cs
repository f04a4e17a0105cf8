using Minato.Engine.Errors;
using Minato.Engine.Network.Bridges;

namespace Minato.Tests.Engine.Network.Bridges;

public sealed class SubnetPoolTests
{
    private static Ipv4Subnet S(string text) => Ipv4Subnet.Parse(text, "subnet");

    [Fact]
    public void NextFree_EmptyPool_ReturnsFirstSubnet()
    {
        Assert.Equal(S("10.81.0.0/24"), SubnetPool.NextFree(S("10.81.0.0/16"), 24, []));
    }

    [Fact]
    public void NextFree_TakenAndRouted_SkipsOverlappingSubnets()
    {
        var taken = new[] { S("10.81.0.0/24"), S("10.81.1.128/25"), S("10.81.2.0/23") };

        Assert.Equal(S("10.81.4.0/24"), SubnetPool.NextFree(S("10.81.0.0/16"), 24, taken));
    }

    [Fact]
    public void NextFree_LargerTakenSubnetCoversPool_ReturnsNull()
    {
        Assert.Null(SubnetPool.NextFree(S("10.81.0.0/16"), 24, [S("10.0.0.0/8")]));
    }

    [Fact]
    public void NextFree_PrefixShorterThanPool_ReturnsNull()
    {
        Assert.Null(SubnetPool.NextFree(S("10.81.0.0/24"), 16, []));
    }

    [Fact]
    public void NextFree_LastSubnetOfTopPool_DoesNotWrapAround()
    {
        Assert.Equal(S("255.255.255.0/24"), SubnetPool.NextFree(S("255.255.254.0/23"), 24, [S("255.255.254.0/24")]));
        Assert.Null(SubnetPool.NextFree(S("255.255.254.0/23"), 24, [S("255.255.254.0/23")]));
    }

    [Theory]
    [InlineData("10.81.0.1/24", "host bits")]
    [InlineData("10.81.0.0", "not an IPv4 CIDR")]
    [InlineData("fd00::/64", "not an IPv4 CIDR")]
    [InlineData("10.81.0.0/31", "prefix 1 to 30")]
    [InlineData("10.81.0.0/x", "not an IPv4 CIDR")]
    public void Parse_Malformed_ThrowsNamingTheField(string text, string reason)
    {
        var error = Assert.Throws<InvalidInputException>(() => Ipv4Subnet.Parse(text, "IPAM.Config.Subnet"));

        Assert.Contains("IPAM.Config.Subnet", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlaps_NestedAndDisjoint_AnswersBothWays()
    {
        Assert.True(S("10.0.0.0/8").Overlaps(S("10.81.3.0/24")));
        Assert.True(S("10.81.3.0/24").Overlaps(S("10.0.0.0/8")));
        Assert.False(S("10.81.3.0/24").Overlaps(S("10.81.4.0/24")));
    }

    [Fact]
    public void ParseRoutes_ProcNetRoute_SkipsDefaultAndReadsLittleEndian()
    {
        const string text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
            "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
            "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
            "docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";

        var routes = SubnetPool.ParseRoutes(text);

        Assert.Equal([S("192.0.2.0/24"), S("172.17.0.0/16")], routes);
    }
}
