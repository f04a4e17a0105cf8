using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The capability sets of a CRI container: the default set with the request's add and drop applied.</summary>
public static class ContainerCapabilities
{
    /// <summary>The default set the issue asks for.</summary>
    public static readonly IReadOnlyList<string> Default =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_KILL",
    ];

    /// <summary>The spec's capability object (see <see cref="Capabilities.Sets"/>); a privileged container gets what the host holds.</summary>
    public static SpecCapabilities Resolve(ContainerSecurity security, ContainerSpecOptions options)
    {
        var set = security.Privileged
            ? options.HostCapabilities.Select(c => Capabilities.Normalize("host capabilities", c)).ToList()
            : Capabilities.Apply(options.DefaultCapabilities, security.Capabilities, options.HostCapabilities);
        return Capabilities.Sets(set);
    }
}
