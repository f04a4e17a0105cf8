using Minato.Engine.Errors;

namespace Minato.Engine.Images;

/// <summary>A parsed, normalised image reference: registry, repository, and a tag and/or a digest.</summary>
/// <remarks>
/// Normalised like Docker: no registry means <c>docker.io</c>, a one-part Docker Hub repository gets
/// <c>library/</c>, and no tag nor digest means <c>:latest</c>. Everything is validated here, so the parts can be
/// put into URLs and paths as they are.
/// </remarks>
public sealed record ImageReference
{
    /// <summary>The registry Docker Hub images live on, as references name it.</summary>
    public const string DockerHub = "docker.io";

    /// <summary>Longest repository name (registry included) the distribution spec allows.</summary>
    public const int MaxNameLength = 255;

    private ImageReference(string registry, string repository, string? tag, Digest? digest, bool registryGiven)
    {
        Registry = registry;
        Repository = repository;
        Tag = tag;
        Digest = digest;
        RegistryGiven = registryGiven;
    }

    /// <summary>Host and optional port, e.g. <c>docker.io</c> or <c>localhost:5000</c>.</summary>
    public string Registry { get; }

    /// <summary>Repository path inside the registry, e.g. <c>library/busybox</c>.</summary>
    public string Repository { get; }

    /// <summary>The tag; null for a reference by digest only.</summary>
    public string? Tag { get; }

    /// <summary>The manifest digest, when the reference pins one.</summary>
    public Digest? Digest { get; }

    /// <summary>False for short names (<c>busybox</c>), which registries.conf search lists may resolve elsewhere.</summary>
    public bool RegistryGiven { get; }

    /// <summary><c>registry/repository</c>.</summary>
    public string Name => $"{Registry}/{Repository}";

    /// <summary>What the registry is asked for: the digest when there is one, else the tag.</summary>
    public string ManifestReference => Digest?.ToString() ?? Tag!;

    /// <summary>The name with the tag (<c>docker.io/library/busybox:latest</c>); null for digest-only references.</summary>
    public string? TaggedName => Digest is null && Tag is not null ? $"{Name}:{Tag}" : null;

    /// <summary>Parses and normalises; throws <see cref="InvalidInputException"/> for anything malformed.</summary>
    public static ImageReference Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value.Length > MaxNameLength + 200)
        {
            throw Invalid(value, "must be 1 to 455 characters");
        }

        var rest = value;
        Digest? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            if (!Images.Digest.TryParse(rest[(at + 1)..], out var parsed))
            {
                throw Invalid(value, "has a malformed digest (expected sha256:<64 lowercase hex> or sha512:<128>)");
            }

            digest = parsed;
            rest = rest[..at];
        }

        string? tag = null;
        var lastColon = rest.LastIndexOf(':');
        if (lastColon > rest.LastIndexOf('/'))
        {
            tag = rest[(lastColon + 1)..];
            rest = rest[..lastColon];
            if (!IsTag(tag))
            {
                throw Invalid(value, "has a malformed tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')");
            }
        }

        var (registry, repository, given) = SplitRegistry(value, rest);
        if (registry.Length + 1 + repository.Length > MaxNameLength)
        {
            throw Invalid(value, $"has a name longer than {MaxNameLength} characters");
        }

        return new ImageReference(registry, repository, tag ?? (digest is null ? "latest" : null), digest, given);
    }

    /// <summary>Parses without throwing; null when malformed.</summary>
    public static ImageReference? TryParse(string? value)
    {
        try
        {
            return value is null ? null : Parse(value);
        }
        catch (InvalidInputException)
        {
            return null;
        }
    }

    /// <summary>The same repository at another registry (registries.conf search lists, mirrors).</summary>
    public ImageReference WithRegistry(string registry, string repository) =>
        new(registry, repository, Tag, Digest, registryGiven: true);

    /// <summary>The same repository pinned to <paramref name="digest"/>, without the tag.</summary>
    public ImageReference WithDigest(Digest digest) => new(Registry, Repository, null, digest, RegistryGiven);

    /// <summary>The full normalised reference, <c>name:tag</c>, <c>name@digest</c> or <c>name:tag@digest</c>.</summary>
    public override string ToString() =>
        Name + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    private static (string Registry, string Repository, bool Given) SplitRegistry(string original, string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : name[..slash];
        var isRegistry = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) ||
            first == "localhost" || first.Any(char.IsAsciiLetterUpper));
        var registry = isRegistry ? first : DockerHub;
        var repository = isRegistry ? name[(slash + 1)..] : name;
        if (isRegistry && !IsRegistry(registry))
        {
            throw Invalid(original, "has a malformed registry host");
        }

        if (registry == "index.docker.io" || registry == "registry-1.docker.io")
        {
            registry = DockerHub;
        }

        if (!IsRepository(repository))
        {
            throw Invalid(original, "has a malformed repository (lowercase components of [a-z0-9] joined by '.', '_', '__' or '-', separated by '/')");
        }

        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }

        return (registry, repository, isRegistry);
    }

    private static InvalidInputException Invalid(string value, string why) =>
        new($"image reference \"{(value.Length <= 160 ? value : value[..160] + "...")}\" {why}");

    private static bool IsTag(string tag) =>
        tag.Length is > 0 and <= 128 && IsWord(tag[0]) && tag.All(c => IsWord(c) || c is '.' or '-');

    private static bool IsWord(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static bool IsRepository(string repository) =>
        repository.Length > 0 && repository.Split('/').All(IsPathComponent);

    // [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
    private static bool IsPathComponent(string component)
    {
        if (component.Length == 0 || !IsLowerAlnum(component[0]) || !IsLowerAlnum(component[^1]))
        {
            return false;
        }

        for (var i = 1; i < component.Length; i++)
        {
            var c = component[i];
            if (IsLowerAlnum(c) || c == '-')
            {
                continue;
            }

            if (c is not ('.' or '_'))
            {
                return false;
            }

            // One '.', one '_' or "__" between alphanumerics.
            var run = c == '_' && component[i + 1] == '_' ? 2 : 1;
            if (!IsLowerAlnum(component[i - 1]) || !IsLowerAlnum(component[i + run]))
            {
                return false;
            }

            i += run - 1;
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'z';

    private static bool IsRegistry(string registry)
    {
        var colon = registry.LastIndexOf(':');
        var host = colon < 0 ? registry : registry[..colon];
        if (colon >= 0)
        {
            var port = registry[(colon + 1)..];
            if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) > 65535)
            {
                return false;
            }
        }

        return host.Length is > 0 and <= 253 && host.Split('.').All(label =>
            label.Length is > 0 and <= 63 && char.IsAsciiLetterOrDigit(label[0]) && char.IsAsciiLetterOrDigit(label[^1]) &&
            label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'));
    }
}
