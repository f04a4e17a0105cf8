using Minato.Engine.Images.Store;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>What a front door asks the engine to make: which image, runtime and stdio, and how to build the spec
/// once the rootfs is mounted (the spec reads the image's users and groups from it).</summary>
/// <param name="Id">The new container's id (64 hex digits; see <see cref="ContainerService.NewId"/>).</param>
/// <param name="Owner">The front door (<c>cri</c>, <c>docker</c>).</param>
/// <param name="Name">A readable name for the monitor's logs.</param>
/// <param name="Image">The resolved image.</param>
/// <param name="RuntimeHandler">The OCI runtime handler name.</param>
/// <param name="LogPath">Where the monitor writes the log; empty for <c>container.log</c> in the bundle.</param>
/// <param name="Tty">Allocate a terminal.</param>
/// <param name="Stdin">Keep a stdin for attach.</param>
/// <param name="StdinOnce">Close stdin after the first attach client leaves.</param>
/// <param name="Spec">Builds the runtime spec for the mounted rootfs.</param>
public sealed record ContainerDescription(
    string Id,
    string Owner,
    string Name,
    ImageRecord Image,
    string RuntimeHandler,
    string LogPath,
    bool Tty,
    bool Stdin,
    bool StdinOnce,
    Func<ContainerRootfs, PreparedSpec> Spec)
{
    /// <summary>Images to show read-only inside the container; the spec builder gets their host paths in this order.</summary>
    public IReadOnlyList<ImageVolume> ImageVolumes { get; init; } = [];

    /// <summary>A checkpoint to restore at start instead of running the spec's process afresh: its root filesystem
    /// changes are applied at create and the container takes over its directory (see
    /// <see cref="ContainerService.UnpackCheckpointAsync"/>). Null for a container made from the image alone.</summary>
    public UnpackedCheckpoint? Restore { get; init; }

    /// <summary>Fully qualified CDI device names (<c>vendor.com/class=name</c>) whose edits are made to the built spec.</summary>
    public IReadOnlyList<string> CdiDevices { get; init; } = [];

    /// <summary>The pinned user namespace the container joins (its spec's <c>user</c> namespace path), or null for the
    /// host's. With one, the rootfs layers, image volumes and every bind mount are id-mapped through it.</summary>
    public ContainerUserNamespace? UserNamespace { get; init; }
}

/// <summary>A pinned user namespace a container joins and its mappings.</summary>
/// <param name="Path">The pin (an nsfs file) of the namespace.</param>
/// <param name="Mappings">Its uid and gid mappings, as written when it was made.</param>
public sealed record ContainerUserNamespace(string Path, Linux.Namespaces.UserNamespaceMappings Mappings)
{
    /// <summary>What mounts are id-mapped through: the namespace and the host ids of its root.</summary>
    public Linux.MountIdMap IdMap => new(
        Path,
        Linux.Namespaces.UserNamespaceMappings.HostIdOf(Mappings.Uids, 0),
        Linux.Namespaces.UserNamespaceMappings.HostIdOf(Mappings.Gids, 0));
}

/// <summary>A container's mounted rootfs and its image's runtime config, for the spec builder.</summary>
/// <param name="ContainerId">The container's id.</param>
/// <param name="Path">The host path of the mounted rootfs.</param>
/// <param name="Image">The image's runtime config (entrypoint, env, user, volumes, ...).</param>
public sealed record ContainerRootfs(string ContainerId, string Path, ImageRuntimeConfig Image)
{
    /// <summary>For each of the description's <see cref="ContainerDescription.ImageVolumes"/>, in order: the host path to
    /// bind (read-only, <c>nosuid,nodev,noexec</c>) at the container path the front door chose.</summary>
    public IReadOnlyList<string> ImageVolumes { get; init; } = [];
}

/// <summary>A built runtime spec and what the engine must do around it.</summary>
/// <param name="Spec">Written to <c>&lt;bundle&gt;/config.json</c>.</param>
/// <param name="RootfsDirectories">Clean paths relative to the rootfs to create before the runtime starts.</param>
/// <param name="StopSignal">The signal a stop sends first, e.g. <c>SIGTERM</c>.</param>
public sealed record PreparedSpec(RuntimeSpec Spec, IReadOnlyList<string> RootfsDirectories, string StopSignal);
