using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>How CRI supplemental groups combine with the image's /etc/group.</summary>
public enum SupplementalGroupsPolicy
{
    /// <summary>Primary gid, the image's /etc/group memberships and the requested groups.</summary>
    Merge,

    /// <summary>Primary gid and the requested groups only.</summary>
    Strict,
}

/// <summary>Which kind of security profile (seccomp or AppArmor) is asked for.</summary>
public enum SecurityProfileKind
{
    /// <summary>The runtime's default profile.</summary>
    RuntimeDefault,

    /// <summary>No profile.</summary>
    Unconfined,

    /// <summary>A profile on the node: a file path (seccomp) or a loaded profile name (AppArmor).</summary>
    Localhost,
}

/// <summary>A seccomp or AppArmor profile choice; <see cref="LocalhostRef"/> is set for <see cref="SecurityProfileKind.Localhost"/>.</summary>
public sealed record SecurityProfile(SecurityProfileKind Kind, string LocalhostRef = "")
{
    public static readonly SecurityProfile RuntimeDefault = new(SecurityProfileKind.RuntimeDefault);
    public static readonly SecurityProfile Unconfined = new(SecurityProfileKind.Unconfined);
}

/// <summary>The container's security context (CRI LinuxContainerSecurityContext), free of protobuf types.</summary>
public sealed record ContainerSecurity
{
    public bool Privileged { get; init; }

    public CapabilityChanges Capabilities { get; init; } = CapabilityChanges.None;

    /// <summary>The uid to run as; null uses <see cref="RunAsUsername"/> or the image USER.</summary>
    public long? RunAsUser { get; init; }

    public string RunAsUsername { get; init; } = string.Empty;

    /// <summary>The primary gid; only valid with a user.</summary>
    public long? RunAsGroup { get; init; }

    public IReadOnlyList<long> SupplementalGroups { get; init; } = [];

    public SupplementalGroupsPolicy SupplementalGroupsPolicy { get; init; }

    /// <summary>no_new_privs: set by the kubelet when <c>allowPrivilegeEscalation</c> is false.</summary>
    public bool NoNewPrivs { get; init; }

    public bool ReadonlyRootfs { get; init; }

    /// <summary>Paths hidden from the container; empty selects the defaults.</summary>
    public IReadOnlyList<string> MaskedPaths { get; init; } = [];

    /// <summary>Paths made read-only; empty selects the defaults.</summary>
    public IReadOnlyList<string> ReadonlyPaths { get; init; } = [];

    /// <summary>The seccomp profile; null when the caller named none (the configured default applies).</summary>
    public SecurityProfile? Seccomp { get; init; }

    /// <summary>The AppArmor profile; null when the caller named none. Honoured only where the kernel has AppArmor.</summary>
    public SecurityProfile? AppArmor { get; init; }

    public ContainerNamespaces Namespaces { get; init; } = new();
}
