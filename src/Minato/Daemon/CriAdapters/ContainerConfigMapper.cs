using Minato.Cri.Api.V1;
using Minato.Engine.Errors;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps a CRI CreateContainer request (container and pod config) to the core's <see cref="Cri.Containers.ContainerConfig"/>.</summary>
/// <remarks>
/// Unqualified types are the CRI's generated ones; the core's carry their namespace (<c>Cri.Containers.X</c>).
/// Deprecated fields are honoured only when their replacement is unset (design §1): <c>seccomp_profile_path</c>
/// under <c>seccomp</c>, <c>apparmor_profile</c> under <c>apparmor</c>. Field names in errors are the proto's.
/// </remarks>
internal static class ContainerConfigMapper
{
    public static Cri.Containers.ContainerConfig ToCore(ContainerConfig config, PodSandboxConfig? sandboxConfig)
    {
        // CRI: metadata and image are required on CreateContainer.
        var metadata = config.Metadata ?? throw new InvalidInputException("container config metadata is required");
        var image = config.Image ?? throw new InvalidInputException("container config image is required");
        var linux = config.Linux;
        return new Cri.Containers.ContainerConfig
        {
            Metadata = new(metadata.Name, metadata.Attempt),
            Image = new(image.Image, image.UserSpecifiedImage) { Annotations = new Dictionary<string, string>(image.Annotations) },
            Command = [.. config.Command],
            Args = [.. config.Args],
            WorkingDir = config.WorkingDir,
            Envs = config.Envs.Select(e => KeyValuePair.Create(e.Key, e.Value.ToStringUtf8())).ToList(),
            Mounts = config.Mounts.Select(ToCore).ToList(),
            Devices = config.Devices.Select(d => new Cri.Containers.ContainerDevice(d.ContainerPath, d.HostPath, d.Permissions)).ToList(),
            CdiDevices = config.CDIDevices.Select(d => d.Name).ToList(),
            Labels = new Dictionary<string, string>(config.Labels),
            Annotations = new Dictionary<string, string>(config.Annotations),
            LogDirectory = sandboxConfig?.LogDirectory ?? string.Empty,
            LogPath = config.LogPath,
            Stdin = config.Stdin,
            StdinOnce = config.StdinOnce,
            Tty = config.Tty,
            StopSignal = StopSignal(config.StopSignal),
            Resources = linux?.Resources is { } resources ? ToCore(resources) : new(),
            Security = linux?.SecurityContext is { } security ? ToCore(security) : new(),
        };
    }

    public static Cri.Containers.ContainerResources ToCore(LinuxContainerResources r) => new()
    {
        CpuPeriod = r.CpuPeriod,
        CpuQuota = r.CpuQuota,
        CpuShares = r.CpuShares,
        MemoryLimitInBytes = r.MemoryLimitInBytes,
        MemorySwapLimitInBytes = r.MemorySwapLimitInBytes,
        OomScoreAdj = r.OomScoreAdj,
        CpusetCpus = r.CpusetCpus,
        CpusetMems = r.CpusetMems,
        HugepageLimits = r.HugepageLimits.Select(h => new Cri.Containers.HugepageLimit(h.PageSize, h.Limit)).ToList(),
        Unified = new Dictionary<string, string>(r.Unified),
    };

    private static Cri.Containers.ContainerSecurity ToCore(LinuxContainerSecurityContext s) => new()
    {
        Privileged = s.Privileged,
        Capabilities = s.Capabilities is { } caps ? new([.. caps.AddCapabilities], [.. caps.DropCapabilities]) : Engine.Oci.Spec.CapabilityChanges.None,
        RunAsUser = s.RunAsUser?.Value,
        RunAsUsername = s.RunAsUsername,
        RunAsGroup = s.RunAsGroup?.Value,
        SupplementalGroups = [.. s.SupplementalGroups],
        SupplementalGroupsPolicy = s.SupplementalGroupsPolicy switch
        {
            SupplementalGroupsPolicy.Merge => Cri.Containers.SupplementalGroupsPolicy.Merge,
            SupplementalGroupsPolicy.Strict => Cri.Containers.SupplementalGroupsPolicy.Strict,
            _ => throw new InvalidInputException($"unknown supplemental_groups_policy {(int)s.SupplementalGroupsPolicy}"),
        },
        NoNewPrivs = s.NoNewPrivs,
        ReadonlyRootfs = s.ReadonlyRootfs,
        MaskedPaths = [.. s.MaskedPaths],
        ReadonlyPaths = [.. s.ReadonlyPaths],
#pragma warning disable CS0612 // Deprecated in the proto, still sent by older kubelets and tools; read only as a fallback.
        Seccomp = s.Seccomp is { } seccomp ? ToCore(seccomp) : Cri.Containers.LegacyProfilePaths.Seccomp(s.SeccompProfilePath),
        AppArmor = s.Apparmor is { } apparmor ? ToCore(apparmor) : Cri.Containers.LegacyProfilePaths.AppArmor(s.ApparmorProfile),
#pragma warning restore CS0612
        Namespaces = s.NamespaceOptions is { } ns ? new(NamespaceMapper.ToCore(ns.Network), NamespaceMapper.ToCore(ns.Pid), NamespaceMapper.ToCore(ns.Ipc), ns.TargetId,
            ns.UsernsOptions is null ? null : NamespaceMapper.ToCore(ns.UsernsOptions)) : new(),
    };

    /// <summary>The proto's enum name (<c>SIGRTMINPLUS1</c> spelled <c>SIGRTMIN+1</c>); empty for RUNTIME_DEFAULT.</summary>
    private static string StopSignal(Signal signal) => signal == Signal.RuntimeDefault || !Enum.IsDefined(signal)
        ? string.Empty
        : signal.ToString().ToUpperInvariant().Replace("PLUS", "+", StringComparison.Ordinal).Replace("MINUS", "-", StringComparison.Ordinal);

    private static Cri.Containers.SecurityProfile ToCore(SecurityProfile profile) => profile.ProfileType switch
    {
        SecurityProfile.Types.ProfileType.RuntimeDefault => Cri.Containers.SecurityProfile.RuntimeDefault,
        SecurityProfile.Types.ProfileType.Unconfined => Cri.Containers.SecurityProfile.Unconfined,
        SecurityProfile.Types.ProfileType.Localhost => new(Cri.Containers.SecurityProfileKind.Localhost, profile.LocalhostRef),
        _ => throw new InvalidInputException($"unknown security profile type {(int)profile.ProfileType}"),
    };

    private static Cri.Containers.ContainerMount ToCore(Mount m)
    {
        // Per-mount mappings are not taken: in a pod with its own user namespace every bind mount is id-mapped through
        // the pod's mappings already, and other mappings for one mount are refused rather than ignored.
        if (m.UidMappings.Count > 0 || m.GidMappings.Count > 0)
        {
            throw new InvalidInputException($"mount {m.ContainerPath}: per-mount uidMappings/gidMappings are not supported (a pod with userns_options mode POD has every bind mount id-mapped through the pod's mappings)");
        }

        // Image volumes (CRI 1.31+, KEP-4639): the image names the source; a host path as well would be ambiguous.
        var image = m.Image is { Image.Length: > 0 } spec ? spec.Image : string.Empty;
        if (image.Length > 0 && m.HostPath.Length > 0)
        {
            throw new InvalidInputException($"mount {m.ContainerPath}: host_path and image are mutually exclusive");
        }

        if (image.Length == 0 && m.ImageSubPath.Length > 0)
        {
            throw new InvalidInputException($"mount {m.ContainerPath}: image_sub_path needs image");
        }

        return new(m.ContainerPath, m.HostPath, m.Readonly, m.SelinuxRelabel, m.Propagation switch
        {
            MountPropagation.PropagationPrivate => Cri.Containers.MountPropagation.Private,
            MountPropagation.PropagationHostToContainer => Cri.Containers.MountPropagation.HostToContainer,
            MountPropagation.PropagationBidirectional => Cri.Containers.MountPropagation.Bidirectional,
            _ => throw new InvalidInputException($"mount {m.ContainerPath}: unknown propagation {(int)m.Propagation}"),
        }, m.RecursiveReadOnly)
        {
            Image = image,
            ImageSubPath = m.ImageSubPath,
        };
    }
}
