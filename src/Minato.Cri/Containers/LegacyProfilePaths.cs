using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The deprecated string forms of seccomp and AppArmor profiles that older kubelets and tools still send.</summary>
public static class LegacyProfilePaths
{
    /// <summary><c>seccomp_profile_path</c>: <c>runtime/default</c>, <c>docker/default</c>, <c>unconfined</c>,
    /// <c>localhost/&lt;path&gt;</c>; empty is "not set" (null); anything else is an error.</summary>
    public static SecurityProfile? Seccomp(string path) => path switch
    {
        "" => null,
        "runtime/default" or "docker/default" => SecurityProfile.RuntimeDefault,
        "unconfined" => SecurityProfile.Unconfined,
        _ when path.StartsWith("localhost/", StringComparison.Ordinal) && path.Length > "localhost/".Length =>
            new SecurityProfile(SecurityProfileKind.Localhost, path["localhost/".Length..]),
        _ => throw new InvalidInputException($"seccomp_profile_path \"{SpecValues.Printable(path)}\" is not runtime/default, docker/default, unconfined or localhost/<path>"),
    };

    /// <summary><c>apparmor_profile</c>: <c>runtime/default</c>, <c>unconfined</c>, <c>localhost/&lt;name&gt;</c>; empty is null.</summary>
    public static SecurityProfile? AppArmor(string profile) => profile switch
    {
        "" => null,
        "runtime/default" => SecurityProfile.RuntimeDefault,
        "unconfined" => SecurityProfile.Unconfined,
        _ when profile.StartsWith("localhost/", StringComparison.Ordinal) && profile.Length > "localhost/".Length =>
            new SecurityProfile(SecurityProfileKind.Localhost, profile["localhost/".Length..]),
        _ => throw new InvalidInputException($"apparmor_profile \"{SpecValues.Printable(profile)}\" is not runtime/default, unconfined or localhost/<name>"),
    };
}
