using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>Turns the seccomp and AppArmor choices of a request into the spec's <c>linux.seccomp</c> and <c>apparmorProfile</c>.</summary>
public static class ContainerProfiles
{
    /// <summary>The seccomp filter, or null for none (Unconfined, or a privileged container, which the kubelet runs unconfined).</summary>
    public static LinuxSeccomp? Seccomp(ContainerSecurity security, IReadOnlyList<string> bounding, ContainerSpecOptions options)
    {
        if (security.Privileged)
        {
            return null;
        }

        var profile = security.Seccomp ?? options.SeccompWhenUnset;
        return profile.Kind switch
        {
            SecurityProfileKind.Unconfined => null,
            SecurityProfileKind.RuntimeDefault => RuntimeDefaultSeccomp.For(bounding, options.Architecture),
            _ when profile.LocalhostRef.Length == 0 => throw new InvalidInputException("seccomp Localhost profile needs localhost_ref"),
            _ => SeccompProfileFile.Load(options.SeccompProfileRoot, profile.LocalhostRef),
        };
    }

    /// <summary>The AppArmor profile name, or null. Without kernel AppArmor only an explicit Localhost profile is an
    /// error: it cannot be honoured, and silently running unconfined would hide that.</summary>
    public static string? AppArmor(ContainerSecurity security, ContainerSpecOptions options)
    {
        var profile = security.AppArmor;
        if (profile is null || security.Privileged || profile.Kind == SecurityProfileKind.Unconfined)
        {
            return options.AppArmorEnabled && profile?.Kind == SecurityProfileKind.Unconfined ? "unconfined" : null;
        }

        if (!options.AppArmorEnabled)
        {
            return profile.Kind == SecurityProfileKind.Localhost
                ? throw new InvalidInputException($"AppArmor profile {profile.LocalhostRef} was requested, but this kernel has no AppArmor")
                : null;
        }

        return profile.Kind == SecurityProfileKind.RuntimeDefault
            ? options.AppArmorDefaultProfile
            : SpecValues.SingleLine("apparmor localhost_ref", profile.LocalhostRef);
    }
}
