using Minato.Cri.Api.V1;

namespace Minato.IntegrationTests.Pods;

/// <summary>Pod sandbox configs shaped like the kubelet's.</summary>
internal static class PodConfigs
{
    private static int _counter;

    public static PodSandboxConfig Kubelet(string? name = null, NamespaceMode pid = NamespaceMode.Container)
    {
        name ??= $"pod-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}"[..20];
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Namespace = "it", Uid = Guid.NewGuid().ToString(), Attempt = 0 },
            Hostname = name,
            LogDirectory = $"/tmp/minato-it-logs/{name}",
            DnsConfig = new DNSConfig { Servers = { "10.96.0.10" }, Searches = { "it.svc.cluster.local", "svc.cluster.local" }, Options = { "ndots:5" } },
            Linux = new LinuxPodSandboxConfig
            {
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = pid, Ipc = NamespaceMode.Pod },
                },
            },
        };
        config.Labels.Add("app", name);
        return config;
    }
}
