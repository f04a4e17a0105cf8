namespace Minato.Migrate;

/// <summary>
/// Tells configuration from prose. An environment value is evidence when it is a path or an endpoint (one
/// word, possibly a comma- or semicolon-separated list of them): <c>unix:///var/run/docker.sock</c>,
/// <c>/var/lib/docker/containers/*/*.log</c>. A value with spaces is prose (notes, descriptions), and an
/// http(s) address is a link (a runbook), so neither is evidence whatever it mentions.
/// </summary>
internal static class ConfigValue
{
    /// <summary>The paths a value names, with <c>unix://</c> stripped; empty for prose and links.</summary>
    public static IEnumerable<string> Paths(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Any(char.IsWhiteSpace)
            || value.Contains("http://", StringComparison.OrdinalIgnoreCase) || value.Contains("https://", StringComparison.OrdinalIgnoreCase))
        {
            yield break;
        }

        foreach (var part in value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var path = part.StartsWith("unix://", StringComparison.Ordinal) ? part["unix://".Length..] : part;
            if (path.StartsWith('/'))
            {
                yield return HostPathUse.Normalize(path);
            }
        }
    }

    /// <summary>True when the value names <paramref name="root"/> or a path under it (globs included).</summary>
    public static bool Names(string? value, string root) => Paths(value).Any(p => HostPathUse.IsAtOrUnder(p, root));

    /// <summary>A Docker socket path: a file named docker.sock, or Docker's run directory.</summary>
    public static bool IsDockerSocket(string path) =>
        path.EndsWith("/docker.sock", StringComparison.Ordinal) || HostPathUse.IsAtOrUnder(path, "/var/run/docker")
        || HostPathUse.IsAtOrUnder(path, "/run/docker");
}
