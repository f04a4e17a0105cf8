using Minato.Engine.Network;
using Minato.Engine.Oci;

namespace Minato.Cri.Runtime;

/// <summary>Computes the RuntimeReady and NetworkReady conditions the CRI Status call reports.</summary>
public sealed class RuntimeReadiness(OciRuntimeHandler defaultRuntime)
{
    /// <summary>Reason the kubelet and crictl know for a missing pod network (kubelet's own constant).</summary>
    public const string NetworkPluginNotReady = "NetworkPluginNotReady";

    /// <summary>Reason reported when the default OCI runtime cannot be found.</summary>
    public const string OciRuntimeNotFound = "OciRuntimeNotFound";

    /// <summary>Evaluates both conditions; cheap enough for the kubelet's periodic Status calls.</summary>
    /// <param name="network">A fresh probe of the CNI configuration (the caller may also report it).</param>
    public IReadOnlyList<RuntimeCondition> Evaluate(CniNetworkProbe network) => [EvaluateRuntime(), EvaluateNetwork(network)];

    private static RuntimeCondition EvaluateNetwork(CniNetworkProbe probe) => probe.IsReady
        ? new RuntimeCondition(RuntimeCondition.NetworkReady, true, string.Empty, string.Empty)
        : new RuntimeCondition(RuntimeCondition.NetworkReady, false, NetworkPluginNotReady, $"Network plugin not ready: {probe.Problem}");

    private RuntimeCondition EvaluateRuntime() => defaultRuntime.ResolveExecutable() is null
        ? new RuntimeCondition(
            RuntimeCondition.RuntimeReady,
            false,
            OciRuntimeNotFound,
            $"default OCI runtime \"{defaultRuntime.Name}\" not found at \"{defaultRuntime.Path}\" (install it or set [runtimes.{defaultRuntime.Name}] path)")
        : new RuntimeCondition(RuntimeCondition.RuntimeReady, true, string.Empty, string.Empty);
}
