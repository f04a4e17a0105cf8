namespace Minato.Engine.Images.Registry;

/// <summary>A mirror of a registry (a <c>[[registry.mirror]]</c> table).</summary>
/// <param name="Location">Host[:port][/path] the mirror serves the registry's repositories under.</param>
/// <param name="Insecure">Plain HTTP and unverified TLS allowed.</param>
/// <param name="PullFrom"><c>all</c>, <c>digest-only</c> or <c>tag-only</c>.</param>
public sealed record RegistryMirror(string Location, bool Insecure = false, string PullFrom = "all");

/// <summary>One <c>[[registry]]</c> table of containers-registries.conf(5).</summary>
/// <remarks>
/// <c>Prefix</c> is the reference prefix the table applies to (<c>host[/path]</c>, or <c>*.domain</c>); matching
/// references are pulled from <c>Location</c>, which replaces the prefix.
/// </remarks>
public sealed record RegistryEntry(
    string Prefix, string Location, bool Insecure = false, bool Blocked = false, bool MirrorByDigestOnly = false,
    IReadOnlyList<RegistryMirror>? Mirrors = null);

/// <summary>Where one pull attempt goes: the host, the repository there, and whether TLS may be skipped.</summary>
public sealed record RegistryEndpoint(string Host, string Repository, bool Insecure, bool IsMirror)
{
    /// <summary>Hosts Minato may reach over plain HTTP without being told: the local machine.</summary>
    public bool AllowsPlainHttp => Insecure || IsLocal(Host);

    /// <summary>True for localhost and loopback addresses, with or without a port.</summary>
    public static bool IsLocal(string host)
    {
        var name = host.StartsWith('[') ? host[..(host.IndexOf(']', StringComparison.Ordinal) + 1)]
            : host.Split(':')[0];
        return name is "localhost" or "[::1]" || name.StartsWith("127.", StringComparison.Ordinal);
    }

    public override string ToString() => $"{Host}/{Repository}";
}

/// <summary>The registries configuration: search list and per-prefix registries with mirrors.</summary>
public sealed record RegistriesConfig
{
    /// <summary>No file: every reference goes to its own registry.</summary>
    public static RegistriesConfig Empty { get; } = new();

    /// <summary>Registries tried in order for short names (no registry given); empty means docker.io.</summary>
    public IReadOnlyList<string> UnqualifiedSearchRegistries { get; init; } = [];

    public IReadOnlyList<RegistryEntry> Registries { get; init; } = [];

    /// <summary>The file the configuration came from, for messages; null when none.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The references to try for <paramref name="reference"/>: itself, or one per search registry for a short name.</summary>
    public IReadOnlyList<ImageReference> Candidates(ImageReference reference) =>
        reference.RegistryGiven || UnqualifiedSearchRegistries.Count == 0
            ? [reference]
            : [.. UnqualifiedSearchRegistries.Select(r => reference.WithRegistry(r, reference.Repository.StartsWith("library/", StringComparison.Ordinal) && r != ImageReference.DockerHub
                ? reference.Repository["library/".Length..]
                : reference.Repository))];

    /// <summary>The endpoints to try for one reference, mirrors first, each with its repository path.</summary>
    /// <exception cref="RegistryException">The matching registry is blocked.</exception>
    public IReadOnlyList<RegistryEndpoint> Endpoints(ImageReference reference)
    {
        var name = reference.Name;
        var entry = Match(name);
        if (entry is null)
        {
            return [new RegistryEndpoint(ApiHost(reference.Registry), reference.Repository, false, false)];
        }

        if (entry.Blocked)
        {
            throw new RegistryException(RegistryFailure.Blocked,
                $"pulling {reference} is blocked by [[registry]] prefix \"{entry.Prefix}\" in {SourcePath ?? "the registries configuration"}");
        }

        var byDigest = reference.Digest is not null;
        var endpoints = new List<RegistryEndpoint>();
        foreach (var mirror in entry.Mirrors ?? [])
        {
            var allowed = entry.MirrorByDigestOnly ? byDigest : mirror.PullFrom switch
            {
                "digest-only" => byDigest,
                "tag-only" => !byDigest,
                _ => true,
            };
            if (allowed)
            {
                endpoints.Add(Rewrite(name, entry.Prefix, mirror.Location, mirror.Insecure, isMirror: true));
            }
        }

        endpoints.Add(Rewrite(name, entry.Prefix, entry.Location, entry.Insecure, isMirror: false));
        return endpoints;
    }

    private RegistryEntry? Match(string name) => Registries
        .Where(r => Matches(r.Prefix, name))
        .OrderByDescending(r => r.Prefix.Length)
        .FirstOrDefault();

    private static bool Matches(string prefix, string name)
    {
        if (prefix.StartsWith("*.", StringComparison.Ordinal))
        {
            var host = name.Split('/')[0];
            return host.EndsWith(prefix[1..], StringComparison.Ordinal);
        }

        return name.StartsWith(prefix, StringComparison.Ordinal) &&
            (name.Length == prefix.Length || name[prefix.Length] is '/' or ':' or '@');
    }

    private static RegistryEndpoint Rewrite(string name, string prefix, string location, bool insecure, bool isMirror)
    {
        // A wildcard prefix keeps the reference's own host; otherwise the location replaces the prefix.
        var rewritten = prefix.StartsWith("*.", StringComparison.Ordinal) || location.Length == 0
            ? name
            : location.TrimEnd('/') + name[prefix.Length..];
        var slash = rewritten.IndexOf('/', StringComparison.Ordinal);
        return new RegistryEndpoint(ApiHost(rewritten[..slash]), rewritten[(slash + 1)..], insecure, isMirror);
    }

    // References say docker.io; Docker Hub serves the registry API on registry-1.docker.io.
    private static string ApiHost(string host) => host == ImageReference.DockerHub ? "registry-1.docker.io" : host;
}
