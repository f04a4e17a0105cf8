using System.Globalization;
using Minato.Docker.Http;
using Minato.Docker.Networks;

namespace Minato.Docker.Containers;

/// <summary>The ports a request publishes: PortBindings, and with PublishAllPorts every ExposedPort on a free host port.</summary>
public static class DockerPorts
{
    /// <summary>The publications, checked.</summary>
    /// <exception cref="DockerApiException">400 for a malformed port or protocol.</exception>
    public static IReadOnlyList<PortPublication> Publications(ContainerConfig config, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(host);
        var result = new List<PortPublication>();
        foreach (var (key, bindings) in host.PortBindings ?? [])
        {
            var (port, protocol) = Parse(key);
            foreach (var binding in bindings is { Count: > 0 } ? bindings : [new PortBinding()])
            {
                var hostPort = binding.HostPort is { Length: > 0 } text
                    ? int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is > 0 and <= 65535 ? p
                        : throw DockerApiException.BadRequest($"invalid host port {text} for {key}")
                    : 0;
                result.Add(new PortPublication(port, protocol, binding.HostIp ?? string.Empty, hostPort));
            }
        }

        if (host.PublishAllPorts)
        {
            foreach (var key in (IEnumerable<string>?)config.ExposedPorts?.Keys ?? [])
            {
                var (port, protocol) = Parse(key);
                if (!result.Any(r => r.ContainerPort == port && r.Protocol == protocol))
                {
                    result.Add(new PortPublication(port, protocol, string.Empty, 0));
                }
            }
        }

        return result;
    }

    /// <summary><c>80/tcp</c> (or <c>80</c>, tcp) as port and protocol.</summary>
    public static (int Port, string Protocol) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = key.Split('/', 2);
        var protocol = parts.Length == 2 ? parts[1].ToLowerInvariant() : "tcp";
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535 ||
            protocol is not ("tcp" or "udp" or "sctp"))
        {
            throw DockerApiException.BadRequest($"invalid port specification: \"{key}\"");
        }

        return (port, protocol);
    }
}
