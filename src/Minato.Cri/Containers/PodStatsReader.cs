using Minato.Cri.Pods;
using Minato.Engine;
using Minato.Engine.Containers;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Cri.Containers;

/// <summary>PodSandboxStats and ListPodSandboxStats: cgroupfs reads and one namespace-hopping thread, no process spawned.</summary>
public sealed class PodStatsReader(PodSandboxes pods, PodContainers containers, INamespaces namespaces, ContainerSpecOptions options, TimeProvider time)
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();
    private readonly CpuRates _cpuRates = new();

    /// <summary>Current use of the pods matching <paramref name="filter"/> and of their containers.</summary>
    public Task<IReadOnlyList<PodSandboxUsage>> ReadAsync(SandboxFilter filter, CancellationToken cancellationToken) =>
        ReadAsync(pods.List(filter), cancellationToken);

    /// <summary>
    /// The use of <paramref name="sandboxes"/> (listed earlier by <see cref="PodSandboxes.List"/>) and of their containers:
    /// a streamed list reads one chunk of pods at a time, so only that chunk's cgroups and containers are read.
    /// </summary>
    public async Task<IReadOnlyList<PodSandboxUsage>> ReadAsync(IReadOnlyList<PodSandbox> sandboxes, CancellationToken cancellationToken)
    {
        if (sandboxes.Count == 0)
        {
            return [];
        }

        var ids = sandboxes.Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
        var byPod = containers.List(new ContainerFilter(null, sandboxes.Count == 1 ? sandboxes[0].Id : null, null, NoLabels))
            .Where(c => ids.Contains(c.PodId))
            .Select(containers.Usage)
            .ToLookup(u => u.Container.PodId, StringComparer.Ordinal);

        // All network namespaces are read on one thread that hops from pod to pod: hundreds of pods, one thread.
        var withNetwork = sandboxes.Where(p => p.IsReady && p.NetnsPath is not null).ToList();
        var counters = withNetwork.Count == 0 ? []
            : await namespaces.RunInEachAsync(NamespaceKind.Net, withNetwork.Select(p => p.NetnsPath!).ToList(), InterfaceCounters.ReadCurrentThread)
                .WaitAsync(cancellationToken);
        var interfaces = withNetwork.Zip(counters).ToDictionary(p => p.First.Id, p => p.Second, StringComparer.Ordinal);

        var now = time.UnixNanoseconds();
        return sandboxes.Select(pod =>
        {
            var podContainers = byPod[pod.Id].ToList();
            var usage = PodCgroup(pod) is { } path ? CgroupUsageReader.Read(CgroupPaths.Uniform(path, options.CgroupMode)) : null;
            if (usage is null && podContainers.Select(c => c.Usage).OfType<CgroupUsage>().ToList() is { Count: > 0 } running)
            {
                usage = CgroupUsage.Sum(running);
            }

            var nanoCores = usage?.CpuNanoseconds is { } cpu ? _cpuRates.Sample(pod.Id, now, cpu) : null;
            return new PodSandboxUsage(pod, now, usage, nanoCores, interfaces.GetValueOrDefault(pod.Id), podContainers);
        }).ToList();
    }

    /// <summary>
    /// The pod's own cgroup (see <see cref="Pods.PodCgroup"/>). Without one there is no pod cgroup, and the pod's use
    /// is the sum of its containers'.
    /// </summary>
    public string? PodCgroup(PodSandbox pod) => Pods.PodCgroup.PathOf(pod.Config.CgroupParent, options.CgroupDriver);
}
