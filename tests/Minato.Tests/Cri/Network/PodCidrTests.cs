using Minato.Cri.Network;
using Minato.Engine.Errors;

namespace Minato.Tests.Cri.Network;

public sealed class PodCidrTests
{
    [Fact]
    public void ParseList_DualStackFromTheKubelet_BothInOrderCanonical()
    {
        var cidrs = PodCidr.ParseList("10.244.1.0/24,fd00:10:244:1::/64");

        Assert.Equal(["10.244.1.0/24", "fd00:10:244:1::/64"], cidrs.Select(c => c.ToString()));
        Assert.False(cidrs[0].IsIPv6);
        Assert.True(cidrs[1].IsIPv6);
    }

    [Fact]
    public void ParseList_BlanksAroundEntriesAndLongIPv6_TrimmedAndCompressed()
    {
        var cidrs = PodCidr.ParseList(" FD00:0010:0244:0001:0000:0000:0000:0000/64 ,\t10.0.0.0/8 ");

        Assert.Equal(["fd00:10:244:1::/64", "10.0.0.0/8"], cidrs.Select(c => c.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void ParseList_Empty_NoCidrs(string value) => Assert.Empty(PodCidr.ParseList(value));

    [Theory]
    [InlineData("10.244.1.0", "is not a CIDR")]
    [InlineData("10.244.1.0/24/1", "is not a CIDR")]
    [InlineData("/24", "is not a CIDR")]
    [InlineData("10.244.1/24", "does not start with an IPv4 or IPv6 address")]
    [InlineData("010.244.1.0/24", "does not start with an IPv4 or IPv6 address")]
    [InlineData("0x0a.0.0.0/8", "does not start with an IPv4 or IPv6 address")]
    [InlineData("10.244.1.256/24", "does not start with an IPv4 or IPv6 address")]
    [InlineData("fe80::%eth0/64", "does not start with an IPv4 or IPv6 address")]
    [InlineData("[fd00::]/64", "does not start with an IPv4 or IPv6 address")]
    [InlineData("example.com/24", "does not start with an IPv4 or IPv6 address")]
    [InlineData("10.244.1.0/33", "prefix length that is not a number from 0 to 32")]
    [InlineData("fd00::/129", "prefix length that is not a number from 0 to 128")]
    [InlineData("10.244.1.0/024", "prefix length")]
    [InlineData("10.244.1.0/-1", "prefix length")]
    [InlineData("10.244.1.0/+8", "prefix length")]
    [InlineData("10.244.1.0/", "prefix length")]
    [InlineData("10.244.1.5/24", "has host bits set (the network is 10.244.1.0/24)")]
    [InlineData("fd00:10:244:1::1/64", "has host bits set (the network is fd00:10:244:1::/64)")]
    [InlineData("10.0.0.0/8\",\"x", "prefix length")]
    public void ParseList_BadEntry_InvalidInputNamingFieldEntryAndProblem(string entry, string problem)
    {
        var e = Assert.Throws<InvalidInputException>(() => PodCidr.ParseList("10.1.0.0/16," + entry));

        Assert.Contains("runtime_config.network_config.pod_cidr", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0/8,", "has an empty entry")]
    [InlineData("10.0.0.0/8,10.0.0.0/8", "lists 10.0.0.0/8 twice")]
    [InlineData("fd00::/64,FD00:0::/64", "lists fd00::/64 twice")]
    [InlineData("1.0.0.0/8,2.0.0.0/8,3.0.0.0/8,4.0.0.0/8,5.0.0.0/8,6.0.0.0/8,7.0.0.0/8,8.0.0.0/8,9.0.0.0/8", "at most 8")]
    public void ParseList_BadList_InvalidInput(string value, string problem)
    {
        var e = Assert.Throws<InvalidInputException>(() => PodCidr.ParseList(value));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseList_LongerThanBound_InvalidInputWithoutEchoingIt()
    {
        var e = Assert.Throws<InvalidInputException>(() => PodCidr.ParseList(new string('1', PodCidr.MaxLength + 1)));

        Assert.Contains("longer than 512", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Length < 200);
    }

    [Theory]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("10.244.0.0/16", "10.244.0.0/16")]
    [InlineData("10.244.1.128/25", "10.244.1.128/25")]
    [InlineData("::/0", "::/0")]
    [InlineData("fd00:10:244:1:8000::/65", "fd00:10:244:1:8000::/65")]
    public void ParseList_NetworkAddressesAtAnyPrefix_Accepted(string value, string canonical) =>
        Assert.Equal(canonical, Assert.Single(PodCidr.ParseList(value)).ToString());

    [Theory]
    [InlineData("10.244.1.0/24", new[] { "0.0.0.0/0" })]
    [InlineData("fd00::/64", new[] { "::/0" })]
    [InlineData("fd00::/64,10.244.1.0/24", new[] { "0.0.0.0/0", "::/0" })]
    [InlineData("10.244.1.0/24,10.245.1.0/24", new[] { "0.0.0.0/0" })]
    public void DefaultRoutes_PerFamilyPresent_IPv4First(string value, string[] routes) =>
        Assert.Equal(routes, PodCidr.DefaultRoutes(PodCidr.ParseList(value)));
}
