namespace Minato.Migrate;

/// <summary>The parts of a Kubernetes PodSpec (and its template metadata) that reveal a Docker dependency.</summary>
internal sealed record PodSpec(
    string? RuntimeClassName,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<ContainerSpec> Containers,
    IReadOnlyList<HostPathVolume> HostPaths)
{
    /// <summary>The containers that mount the named volume, with the path they mount it at.</summary>
    public IEnumerable<(ContainerSpec Container, string MountPath)> MountsOf(string volumeName) =>
        from c in Containers
        from m in c.Mounts
        where m.VolumeName == volumeName
        select (c, m.MountPath);
}

/// <summary>A container or init container: image, command line, environment, privilege, mounts, resources.</summary>
internal sealed record ContainerSpec(
    string Name,
    string Image,
    IReadOnlyList<string> CommandLine,
    IReadOnlyList<EnvVar> Env,
    bool Privileged,
    IReadOnlyList<VolumeMount> Mounts,
    IReadOnlyList<string> ResourceNames);

/// <summary>An environment variable; Value is null when it comes from valueFrom.</summary>
internal sealed record EnvVar(string Name, string? Value);

/// <summary>A volumeMounts entry.</summary>
internal sealed record VolumeMount(string VolumeName, string MountPath);

/// <summary>A hostPath volume, the only volume type that can reach Docker on the node.</summary>
internal sealed record HostPathVolume(string Name, string Path);
