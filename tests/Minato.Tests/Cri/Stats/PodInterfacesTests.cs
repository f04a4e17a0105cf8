using Minato.Cri.Stats;

namespace Minato.Tests.Cri.Stats;

public sealed class PodInterfacesTests
{
    [Fact]
    public void Reported_WithLoopback_LeavesItOut()
    {
        var reported = PodInterfaces.Reported([CadvisorMetricsTests.Counters("lo"), CadvisorMetricsTests.Counters("net1")]);

        Assert.Equal(["net1"], reported.Select(i => i.Name));
    }

    [Fact]
    public void Default_Eth0Present_IsEth0EvenWhenNotFirst()
    {
        var chosen = PodInterfaces.Default([CadvisorMetricsTests.Counters("net1"), CadvisorMetricsTests.Counters("eth0")]);

        Assert.Equal("eth0", chosen?.Name);
    }

    [Fact]
    public void Default_NoEth0_FirstButLoopback()
    {
        Assert.Equal("net1", PodInterfaces.Default([CadvisorMetricsTests.Counters("lo"), CadvisorMetricsTests.Counters("net1")])?.Name);
        Assert.Null(PodInterfaces.Default([CadvisorMetricsTests.Counters("lo")]));
    }
}
