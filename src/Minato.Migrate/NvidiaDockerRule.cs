namespace Minato.Migrate;

/// <summary>
/// GPU access set up for Docker: the nvidia runtime class, NVIDIA_VISIBLE_DEVICES relied on without a GPU
/// request (Docker's default-runtime nvidia), the nvidia-docker 1 driver volume, the long-gone
/// alpha.kubernetes.io/nvidia-gpu resource, and nvidia-docker annotations.
/// </summary>
internal sealed class NvidiaDockerRule : IMigrationRule
{
    private const string RuntimeClassAdvice =
        "This works as it is once the new runtime has the handler: the RuntimeClass's handler must exist in it. Install the NVIDIA Container Toolkit on the " +
        "node and run nvidia-ctk runtime configure --runtime=containerd (or crio) to add an nvidia handler, or " +
        "better, deploy the NVIDIA device plugin (or GPU Operator) with CDI (nvidia-ctk cdi generate) and " +
        "request nvidia.com/gpu instead of selecting a runtime class.";

    private const string DefaultRuntimeAdvice =
        "NVIDIA_VISIBLE_DEVICES only takes effect when the runtime wraps the container with the NVIDIA hook, " +
        "which Docker did for every container with default-runtime nvidia in daemon.json. A CRI runtime does " +
        "not by default, so this container silently loses its GPUs. Request the GPUs it needs " +
        "(resources.limits nvidia.com/gpu) through the NVIDIA device plugin with CDI from the NVIDIA Container " +
        "Toolkit, or at least select an nvidia RuntimeClass configured with nvidia-ctk.";

    private const string LegacyAdvice =
        "This is nvidia-docker 1 era configuration (driver volumes, alpha GPU resources) that no current " +
        "Kubernetes or runtime honours. Use the NVIDIA device plugin with the NVIDIA Container Toolkit and CDI, " +
        "and request nvidia.com/gpu.";

    public void Inspect(KubeObject item, FindingCollector findings)
    {
        if (item is not PodTemplate template)
        {
            return;
        }

        var spec = template.Spec;
        var usesRuntimeClass = spec.RuntimeClassName?.Contains("nvidia", StringComparison.OrdinalIgnoreCase) == true;
        if (usesRuntimeClass)
        {
            findings.Report(item, FindingKind.NvidiaDocker, Severity.Info, $"runtimeClassName {spec.RuntimeClassName}", RuntimeClassAdvice);
        }

        foreach (var volume in spec.HostPaths.Where(v => HostPathUse.Normalize(v.Path).Contains("nvidia-docker", StringComparison.Ordinal)))
        {
            foreach (var evidence in HostPathUse.Describe(spec, volume))
            {
                findings.Report(item, FindingKind.NvidiaDocker, Severity.Blocker, evidence, LegacyAdvice);
            }
        }

        foreach (var (key, _) in spec.Annotations.Where(a => a.Key.Contains("nvidia-docker", StringComparison.Ordinal)))
        {
            findings.Report(item, FindingKind.NvidiaDocker, Severity.Action, $"annotation {key}", LegacyAdvice);
        }

        foreach (var container in spec.Containers)
        {
            CheckContainer(item, container, usesRuntimeClass, findings);
        }
    }

    private static void CheckContainer(KubeObject item, ContainerSpec container, bool usesRuntimeClass, FindingCollector findings)
    {
        if (container.ResourceNames.Contains("alpha.kubernetes.io/nvidia-gpu"))
        {
            findings.Report(
                item, FindingKind.NvidiaDocker, Severity.Blocker, $"{container} requests alpha.kubernetes.io/nvidia-gpu", LegacyAdvice);
        }

        var requestsGpu = container.ResourceNames.Any(r => r.StartsWith("nvidia.com/", StringComparison.Ordinal));
        var devices = container.Env.FirstOrDefault(e => e.Name == "NVIDIA_VISIBLE_DEVICES");
        if (devices?.Value is { } value && value is not ("none" or "void" or "") && !requestsGpu && !usesRuntimeClass)
        {
            findings.Report(
                item,
                FindingKind.NvidiaDocker,
                Severity.Action,
                $"{container} sets NVIDIA_VISIBLE_DEVICES={value} without a nvidia.com/gpu request",
                DefaultRuntimeAdvice);
        }
    }
}
