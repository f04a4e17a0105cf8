using System.Text.Json;
using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>What the spec builder needs to know about one container.</summary>
/// <param name="ContainerId">The new container's id (used in the cgroup path and annotations).</param>
/// <param name="Config">The CreateContainer request.</param>
/// <param name="Sandbox">The container's pod.</param>
/// <param name="Image">The image's runtime config.</param>
/// <param name="RootfsPath">The host path of the container's mounted rootfs; its /etc/passwd and /etc/group are read.</param>
/// <param name="PidNamespaceOf">For TARGET pid sharing: the pid namespace path (<c>/proc/PID/ns/pid</c>) of another container.</param>
public sealed record ContainerSpecRequest(
    string ContainerId,
    ContainerConfig Config,
    PodSandbox Sandbox,
    ImageRuntimeConfig Image,
    string RootfsPath,
    Func<string, string?>? PidNamespaceOf = null);

/// <summary>A built spec and what the lifecycle must do around it.</summary>
/// <param name="Spec">Written to <c>&lt;bundle&gt;/config.json</c> with <see cref="ToJson"/>.</param>
/// <param name="RootfsDirectories">Clean paths relative to the rootfs to create (image VOLUMEs, the working dir)
/// with <see cref="RootfsDirectories"/>.Create before the runtime starts.</param>
/// <param name="RelabelPaths">Host paths whose mounts asked for an SELinux relabel; nothing to do where SELinux is off.</param>
/// <param name="StopSignal">The signal StopContainer sends first, e.g. <c>SIGTERM</c>.</param>
/// <param name="User">The resolved user, for status and exec.</param>
public sealed record ContainerSpec(
    RuntimeSpec Spec,
    IReadOnlyList<string> RootfsDirectories,
    IReadOnlyList<string> RelabelPaths,
    string StopSignal,
    ResolvedUser User)
{
    /// <summary>The spec as the runtime reads it (indented UTF-8 JSON, nulls omitted).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(Spec, RuntimeSpecJsonContext.Default.RuntimeSpec);
}
