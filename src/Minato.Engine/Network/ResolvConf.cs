using System.Net;
using System.Text;

namespace Minato.Engine.Network;

/// <summary>The resolv.conf a container on a bridge (or the host's network) gets from the host's, as dockerd writes it.</summary>
public static class ResolvConf
{
    /// <summary>Bound on the host file read.</summary>
    public const int MaxHostFileBytes = 64 * 1024;

    /// <summary>Nameservers dockerd falls back to when the host has only loopback ones.</summary>
    private static readonly string[] FallbackNameservers = ["8.8.8.8", "8.8.4.4"];

    /// <summary>Reads the host's file with a size cap; an absent or unreadable one reads as empty.</summary>
    public static string ReadHost(string path = "/etc/resolv.conf")
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
            return string.Empty;
        }
    }

    /// <summary>
    /// The host's nameservers without loopback ones (they cannot answer from another network namespace; kept on the host
    /// network), or <paramref name="servers"/>; the host's last search and options lines unless given; public fallbacks
    /// when no nameserver remains.
    /// </summary>
    public static string ForContainer(string hostFile, bool hostNetwork, IReadOnlyList<string>? servers = null,
        IReadOnlyList<string>? search = null, IReadOnlyList<string>? options = null)
    {
        ArgumentNullException.ThrowIfNull(hostFile);
        var lines = hostFile.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        var nameservers = servers is { Count: > 0 } ? servers.ToList()
            : lines.Select(Fields).Where(f => f is ["nameserver", _, ..]).Select(f => f[1])
                .Where(a => hostNetwork || !IsLoopback(a)).ToList();
        if (nameservers.Count == 0)
        {
            nameservers = [.. FallbackNameservers];
        }

        var searchLine = search is { Count: > 0 } ? "search " + string.Join(' ', search) : lines.LastOrDefault(l => Fields(l) is ["search", ..]);
        var optionsLine = options is { Count: > 0 } ? "options " + string.Join(' ', options) : lines.LastOrDefault(l => Fields(l) is ["options", ..]);
        var text = new StringBuilder();
        foreach (var server in nameservers)
        {
            text.Append("nameserver ").Append(server).Append('\n');
        }

        foreach (var line in new[] { searchLine, optionsLine }.OfType<string>())
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    private static bool IsLoopback(string address) => IPAddress.TryParse(address, out var ip) && IPAddress.IsLoopback(ip);

    private static string[] Fields(string line) => line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
