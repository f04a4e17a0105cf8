using Minato.Engine.Errors;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Cri.Pods;

/// <summary>UpdatePodSandboxResources: new pod-level limits on the pod's cgroup, recorded on the sandbox.</summary>
public sealed partial class PodSandboxes
{
    /// <summary>Applies the pod's overhead and resources to its cgroup and records them; repeating a call changes nothing more.</summary>
    /// <remarks>
    /// Only the pod's own cgroup (its cgroup_parent) is written, as containerd does: a pod without one has no pod cgroup,
    /// and spreading pod-level limits over its containers would make limits the kubelet never asked for. Container limits
    /// are changed with UpdateContainerResources.
    /// </remarks>
    /// <exception cref="NotFoundException">No such sandbox.</exception>
    /// <exception cref="InvalidInputException">A value is out of range; nothing was written.</exception>
    /// <exception cref="PreconditionException">The pod has no cgroup_parent, its cgroup is gone, or the kernel refused a
    /// value for the cgroup's state (EBUSY); nothing was changed.</exception>
    public async Task<PodSandbox> UpdateResourcesAsync(
        string id, PodResources resources, CgroupLimitWriter writer, CgroupDriver driver, CancellationToken cancellationToken)
    {
        var limits = PodCgroupLimits.From(resources.Overhead, resources.Resources);
        var found = Get(id);
        using (await _locks.AcquireAsync(found.Id, cancellationToken))
        {
            var sandbox = Get(found.Id);
            var cgroup = PodCgroup.PathOf(sandbox.Config.CgroupParent, driver)
                ?? throw new PreconditionException($"pod sandbox {sandbox.Id} has no cgroup_parent: there is no pod cgroup to resize (change its containers with UpdateContainerResources)");
            writer.Apply(cgroup, limits);
            return store.Update(sandbox with { Resources = resources });
        }
    }
}
