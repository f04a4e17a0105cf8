namespace Minato.Migrate;

/// <summary>The parts of a Kubernetes PodSpec (and its template metadata) that reveal a Docker dependency.</summary>
internal sealed record PodSpec(
    string? RuntimeClassName,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<ContainerSpec> Containers,
    IReadOnlyList<HostPathVolume> HostPaths,
    IReadOnlyList<string> EmptyDirs)
{
    /// <summary>The containers that mount the named volume, with the path they mount it at.</summary>
    public IEnumerable<(ContainerSpec Container, string MountPath)> MountsOf(string volumeName) =>
        from c in Containers
        from m in c.Mounts
        where m.VolumeName == volumeName
        select (c, m.MountPath);
}

/// <summary>
/// A container, init container or ephemeral container (Role says which, as evidence words): image, command
/// line, environment, privilege, mounts, resources.
/// </summary>
internal sealed record ContainerSpec(
    string Role,
    string Name,
    string Image,
    IReadOnlyList<string> CommandLine,
    IReadOnlyList<EnvVar> Env,
    bool Privileged,
    IReadOnlyList<VolumeMount> Mounts,
    IReadOnlyList<string> ResourceNames)
{
    /// <summary>"container web", "init container setup", "ephemeral container debugger-x7k2p".</summary>
    public override string ToString() => $"{Role} {Name}";

    /// <summary>The volume mounted at or above <paramref name="path"/> (the deepest one), with its mount path.</summary>
    public VolumeMount? MountHolding(string path) =>
        Mounts.Where(m => m.MountPath.Length > 0 && HostPathUse.IsAtOrUnder(path, HostPathUse.Normalize(m.MountPath)))
            .MaxBy(m => HostPathUse.Normalize(m.MountPath).Length);
}

/// <summary>An environment variable; Value is null when it comes from valueFrom.</summary>
internal sealed record EnvVar(string Name, string? Value);

/// <summary>A volumeMounts entry.</summary>
internal sealed record VolumeMount(string VolumeName, string MountPath);

/// <summary>A hostPath volume, the only volume type that can reach Docker on the node.</summary>
internal sealed record HostPathVolume(string Name, string Path);
