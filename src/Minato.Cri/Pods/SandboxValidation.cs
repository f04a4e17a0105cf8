using System.Net;
using Minato.Engine.Errors;

namespace Minato.Cri.Pods;

/// <summary>Checks a RunPodSandbox request before anything is created.</summary>
/// <remarks>
/// Names go into CNI_ARGS (';' and '=' separated), file paths and log lines; DNS values go into resolv.conf
/// line by line; so each field is checked for the characters that would break those formats.
/// </remarks>
public static class SandboxValidation
{
    private const int MaxNameLength = 253;
    private const int MaxLabelBytes = 256 * 1024;

    /// <exception cref="InvalidInputException">The message names the field and what is wrong with it.</exception>
    public static void Validate(SandboxConfig config)
    {
        Name("metadata.name", config.Metadata.Name);
        Name("metadata.namespace", config.Metadata.Namespace);
        Name("metadata.uid", config.Metadata.Uid);
        if (config.Hostname.Length > 0 && !IsHostname(config.Hostname))
        {
            throw new InvalidInputException($"hostname \"{config.Hostname}\" is not a valid host name (letters, digits, '-' and '.', at most 64 characters)");
        }

        if (config.LogDirectory.Length > 0 && (!config.LogDirectory.StartsWith('/') || HasControl(config.LogDirectory) ||
            config.LogDirectory.Split('/').Contains("..")))
        {
            throw new InvalidInputException($"log_directory \"{config.LogDirectory}\" must be an absolute path without '..'");
        }

        Namespaces(config);
        Dns(config.Dns);
        foreach (var mapping in config.PortMappings)
        {
            Port(mapping);
        }

        foreach (var (key, value) in config.Sysctls)
        {
            SysctlPolicy.Validate(key, value, config.Namespaces);
        }

        Labels("labels", config.Labels);
        Labels("annotations", config.Annotations);
        config.UserNamespace.Validate("namespace_options.userns_options", config.Namespaces);
    }

    /// <summary>A host name as sethostname accepts and resolvers expect: RFC 1123 labels, 64 bytes at most.</summary>
    public static bool IsHostname(string name) =>
        name.Length is > 0 and <= 64 &&
        name.Split('.').All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));

    private static void Name(string field, string value)
    {
        if (value.Length == 0)
        {
            throw new InvalidInputException($"{field} is required");
        }

        if (value.Length > MaxNameLength || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c is ';' or '=' or '/'))
        {
            throw new InvalidInputException($"{field} \"{value}\" must be at most {MaxNameLength} characters without spaces, '/', ';' or '='");
        }
    }

    private static void Namespaces(SandboxConfig config)
    {
        var ns = config.Namespaces;
        if (ns.Network is not (NamespaceMode.Pod or NamespaceMode.Node))
        {
            throw new InvalidInputException($"namespace_options.network {ns.Network} is not valid for a pod sandbox (POD or NODE)");
        }

        // A hostname needs the pod's own UTS namespace, which only a pod network gives (the UTS namespace follows the
        // network one, as in containerd and CRI-O); accepting it would silently give the pod the node's name. The
        // kubelet sends no hostname for host-network pods.
        if (ns.Network == NamespaceMode.Node && config.Hostname.Length > 0)
        {
            throw new InvalidInputException(
                $"hostname \"{config.Hostname}\" cannot be set for a pod with namespace_options.network NODE: a hostname needs the pod's own UTS namespace, and a host-network pod shares the node's");
        }

        if (ns.Ipc is not (NamespaceMode.Pod or NamespaceMode.Node))
        {
            throw new InvalidInputException($"namespace_options.ipc {ns.Ipc} is not valid for a pod sandbox (POD or NODE)");
        }

        if (ns.Pid == NamespaceMode.Target)
        {
            throw new InvalidInputException("namespace_options.pid TARGET applies to containers, not to a pod sandbox");
        }
    }

    private static void Dns(DnsSettings dns)
    {
        if (dns.Servers.Count > 8 || dns.Searches.Count > 32 || dns.Options.Count > 32)
        {
            throw new InvalidInputException("dns_config has too many entries (at most 8 servers, 32 searches, 32 options)");
        }

        foreach (var server in dns.Servers)
        {
            if (!IPAddress.TryParse(server, out _) || server.Contains('%', StringComparison.Ordinal))
            {
                throw new InvalidInputException($"dns_config.servers: \"{server}\" is not an IP address");
            }
        }

        foreach (var value in dns.Searches.Concat(dns.Options))
        {
            if (value.Length is 0 or > 253 || value.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
            {
                throw new InvalidInputException($"dns_config: \"{value}\" must be non-empty, without spaces or control characters");
            }
        }
    }

    private static void Port(PortMapping mapping)
    {
        if (mapping.ContainerPort is < 1 or > 65535)
        {
            throw new InvalidInputException($"port_mappings: container_port {mapping.ContainerPort} is not between 1 and 65535");
        }

        if (mapping.HostPort is < 0 or > 65535)
        {
            throw new InvalidInputException($"port_mappings: host_port {mapping.HostPort} is not between 0 and 65535");
        }

        if (mapping.HostIp.Length > 0 && !IPAddress.TryParse(mapping.HostIp, out _))
        {
            throw new InvalidInputException($"port_mappings: host_ip \"{mapping.HostIp}\" is not an IP address");
        }
    }

    private static void Labels(string field, IReadOnlyDictionary<string, string> labels)
    {
        var size = 0;
        foreach (var (key, value) in labels)
        {
            if (key.Length == 0 || HasControl(key))
            {
                throw new InvalidInputException($"{field}: keys must be non-empty, without control characters");
            }

            size += key.Length + value.Length;
        }

        if (size > MaxLabelBytes)
        {
            throw new InvalidInputException($"{field} are larger than {MaxLabelBytes} bytes in total");
        }
    }

    private static bool HasControl(string s) => s.Any(char.IsControl);
}
