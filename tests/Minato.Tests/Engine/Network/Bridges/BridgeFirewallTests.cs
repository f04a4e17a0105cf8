using Minato.Engine.Network.Bridges;

namespace Minato.Tests.Engine.Network.Bridges;

public sealed class BridgeFirewallTests
{
    private static readonly BridgeNetwork Network = new()
    {
        Id = "0123456789abcdef" + new string('e', 48),
        Name = "backend",
        BridgeName = "mn-0123456789ab",
        Subnet = "10.81.3.0/24",
        Gateway = "10.81.3.1",
        Created = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public void RulesOf_Network_MasqueradesTheSubnetLeavingElsewhereAndForwardsOutRepliesAndPublishedPortsIn()
    {
        var rules = BridgeFirewall.RulesOf(Network).Select(r => r.ToString()).ToList();

        const string Comment = "-m comment --comment minato bridge mn-0123456789ab 10.81.3.0/24";
        Assert.Equal(
        [
            $"-t nat -A MINATO-POSTROUTING -s 10.81.3.0/24 ! -o mn-0123456789ab {Comment} -j MASQUERADE",
            $"-t filter -A MINATO-FORWARD -i mn-0123456789ab {Comment} -j ACCEPT",
            $"-t filter -A MINATO-FORWARD -o mn-0123456789ab -m conntrack --ctstate RELATED,ESTABLISHED {Comment} -j ACCEPT",
            $"-t filter -A MINATO-FORWARD -o mn-0123456789ab -m conntrack --ctstate DNAT {Comment} -j ACCEPT",
        ], rules);
    }

    [Fact]
    public void RulesOf_InternalNetwork_NoMasqueradeAndNothingInOrOut()
    {
        var rule = Assert.Single(BridgeFirewall.RulesOf(Network with { Internal = true }));

        Assert.Equal(["-i", "mn-0123456789ab", "-o", "mn-0123456789ab"], rule.Arguments.Take(4));
        Assert.Equal("ACCEPT", rule.Arguments[^1]);
    }
}
