using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Minato.Docker.Http;

namespace Minato.Docker.Containers;

/// <summary>The files a Docker container gets at /etc/hostname, /etc/hosts and /etc/resolv.conf, from its own directory.</summary>
public static partial class DockerFiles
{
    /// <summary>Bound on the host's resolv.conf and hosts read.</summary>
    private const int MaxHostFileBytes = 64 * 1024;

    /// <summary>Writes the three files (the directory is made); the hosts file keeps its inode for the network side.</summary>
    /// <param name="container">The container.</param>
    /// <param name="hostname">Its hostname.</param>
    /// <param name="options">Where the host's resolv.conf is.</param>
    /// <param name="hostGateway">The address <c>host-gateway</c> in ExtraHosts stands for (the default bridge's gateway).</param>
    public static void Write(DockerContainer container, string hostname, DockerSpecOptions options, string hostGateway = "")
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(container.Directory);
        var host = container.HostConfig;
        var hostMode = DockerSpecBuilder.NetworkMode(host) == "host";
        File.WriteAllText(container.HostnamePath, hostname + "\n");
        File.WriteAllText(container.HostsPath, Hosts(hostname, host.ExtraHosts ?? [], hostMode ? ReadBounded("/etc/hosts") : null, hostGateway));
        File.WriteAllText(container.ResolvConfPath, ResolvConf(ReadBounded(options.ResolvConf) ?? string.Empty, host, hostMode));
    }

    /// <summary>The hosts file: localhost lines (or the host's file on the host network), the extra hosts, then its own name.</summary>
    public static string Hosts(string hostname, IReadOnlyList<string> extraHosts, string? hostFile, string hostGateway = "")
    {
        var text = new StringBuilder();
        if (hostFile is not null)
        {
            text.Append(hostFile);
            if (!hostFile.EndsWith('\n') && hostFile.Length > 0)
            {
                text.Append('\n');
            }
        }
        else
        {
            text.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
            text.Append("fe00::\tip6-localnet\nff00::\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
        }

        foreach (var (name, address) in CheckExtraHosts(extraHosts, hostGateway))
        {
            text.Append(address).Append('\t').Append(name).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The host's resolv.conf without loopback nameservers (they cannot answer inside the container's network), with
    /// Dns, DnsSearch and DnsOptions replacing the host's lines, as dockerd; on the host network the host's file as is.</summary>
    public static string ResolvConf(string hostFile, HostConfig host, bool hostNetwork)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Engine.Network.ResolvConf.ForContainer(hostFile, hostNetwork, host.Dns, host.DnsSearch, host.DnsOptions);
    }

    /// <summary>ExtraHosts entries (<c>name:address</c> or <c>name=address</c>), checked; <c>host-gateway</c> becomes
    /// <paramref name="hostGateway"/>, as dockerd's default bridge gateway (or <c>host-gateway-ip</c>).</summary>
    /// <exception cref="DockerApiException">400 for a bad name or address, or host-gateway without a gateway address.</exception>
    public static IReadOnlyList<(string Name, string Address)> CheckExtraHosts(IReadOnlyList<string> extraHosts, string hostGateway = "")
    {
        ArgumentNullException.ThrowIfNull(extraHosts);
        var result = new List<(string, string)>();
        foreach (var entry in extraHosts)
        {
            var at = entry.IndexOfAny([':', '=']);
            var (name, address) = at < 0 ? (entry, string.Empty) : (entry[..at], entry[(at + 1)..].Trim('[', ']'));
            if (!HostName().IsMatch(name))
            {
                throw DockerApiException.BadRequest($"invalid extra host: {entry}: bad host name");
            }

            if (address == "host-gateway")
            {
                address = hostGateway.Length > 0
                    ? hostGateway
                    : throw DockerApiException.BadRequest($"invalid extra host: {entry}: host-gateway needs the default bridge network's gateway, and there is none");
            }

            if (!IPAddress.TryParse(address, out _))
            {
                throw DockerApiException.BadRequest($"invalid IP address in add-host: \"{address}\"");
            }

            result.Add((name, address));
        }

        return result;
    }

    /// <summary>Dns entries are addresses; DnsSearch and DnsOptions are single words.</summary>
    public static void CheckDns(HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(host);
        foreach (var server in host.Dns ?? [])
        {
            if (!IPAddress.TryParse(server, out _))
            {
                throw DockerApiException.BadRequest($"{server} is not an ip address");
            }
        }

        foreach (var word in (host.DnsSearch ?? []).Concat(host.DnsOptions ?? []))
        {
            if (word.Length == 0 || word.Length > 255 || word.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                throw DockerApiException.BadRequest($"invalid DNS search domain or option \"{word}\"");
            }
        }
    }

    private static string? ReadBounded(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            var buffer = new byte[MaxHostFileBytes];
            var read = file.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9._-]{0,252})\z", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
