using Minato.Cri.Runtime;
using Minato.Engine.Network;
using Minato.Engine.Oci;

namespace Minato.Tests.Cri;

public sealed class RuntimeReadinessTests
{
    private static readonly CniNetworkList Network = new("/etc/cni/net.d/10.conflist", "pods", "1.0.0", ["bridge"], []);

    [Fact]
    public void Evaluate_RuntimeFoundAndNetworkReady_BothConditionsTrue()
    {
        var readiness = new RuntimeReadiness(new OciRuntimeHandler("sh", "/bin/sh", "/run/x"));

        var conditions = readiness.Evaluate(new CniNetworkProbe(Network, null));

        Assert.Collection(
            conditions,
            c => Assert.Equal((RuntimeCondition.RuntimeReady, true), (c.Type, c.Status)),
            c => Assert.Equal((RuntimeCondition.NetworkReady, true), (c.Type, c.Status)));
    }

    [Fact]
    public void Evaluate_NoNetwork_NetworkReadyFalseWithKubeletReason()
    {
        var readiness = new RuntimeReadiness(new OciRuntimeHandler("sh", "/bin/sh", "/run/x"));

        var network = readiness.Evaluate(new CniNetworkProbe(null, "no network config found"))[1];

        Assert.False(network.Status);
        Assert.Equal("NetworkPluginNotReady", network.Reason);
        Assert.Contains("no network config found", network.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_DefaultRuntimeMissing_RuntimeReadyFalseNamingIt()
    {
        var readiness = new RuntimeReadiness(new OciRuntimeHandler("ghost", "/nonexistent/ghost-runtime", "/run/x"));

        var runtime = readiness.Evaluate(new CniNetworkProbe(Network, null))[0];

        Assert.False(runtime.Status);
        Assert.Equal(RuntimeReadiness.OciRuntimeNotFound, runtime.Reason);
        Assert.Contains("/nonexistent/ghost-runtime", runtime.Message, StringComparison.Ordinal);
    }
}
