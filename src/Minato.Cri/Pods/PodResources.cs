using Minato.Cri.Containers;

namespace Minato.Cri.Pods;

/// <summary>The pod-level resources last applied by UpdatePodSandboxResources: the sandbox's overhead and the sum of
/// its containers' resources, as the kubelet sent them.</summary>
/// <param name="Overhead">The pod overhead (RuntimeClass), 0 or empty where not set.</param>
/// <param name="Resources">The pod's own resources, 0 or empty where not set.</param>
public sealed record PodResources(ContainerResources Overhead, ContainerResources Resources);
