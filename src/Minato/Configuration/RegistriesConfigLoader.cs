using System.Globalization;
using Minato.Engine.Images.Registry;

namespace Minato.Configuration;

/// <summary>Reads registries.conf in the containers-registries.conf(5) version 2 format.</summary>
/// <remarks>
/// Read: <c>unqualified-search-registries</c>; <c>[[registry]]</c> with <c>prefix</c>, <c>location</c>, <c>insecure</c>,
/// <c>blocked</c>, <c>mirror-by-digest-only</c>; <c>[[registry.mirror]]</c> with <c>location</c>, <c>insecure</c>,
/// <c>pull-from-mirror</c>. Accepted and ignored, so shared files load: <c>short-name-mode</c>,
/// <c>credential-helpers</c>, <c>[aliases]</c>. Anything else is an error naming its line.
/// </remarks>
public static class RegistriesConfigLoader
{
    /// <summary>Searched in order when no path is configured.</summary>
    public static readonly IReadOnlyList<string> DefaultPaths = ["/etc/minato/registries.conf", "/etc/containers/registries.conf"];

    /// <summary>The file to read: <paramref name="configured"/> when set, else the first default that exists, else null.</summary>
    public static string? Locate(string? configured) =>
        string.IsNullOrEmpty(configured) ? DefaultPaths.FirstOrDefault(File.Exists) : configured;

    /// <summary>Loads <paramref name="path"/>; null gives the empty configuration.</summary>
    public static RegistriesConfig Load(string? path) =>
        path is null ? RegistriesConfig.Empty : Parse(TomlEntries.ReadFile(path, tableArrays: true), path);

    /// <summary>Binds parsed entries; errors name the file and line.</summary>
    public static RegistriesConfig Parse(IReadOnlyList<TomlEntry> entries, string path)
    {
        var search = new List<string>();
        var registries = new SortedDictionary<int, (int Line, Dictionary<string, TomlEntry> Keys, SortedDictionary<int, Dictionary<string, TomlEntry>> Mirrors)>();
        foreach (var entry in entries)
        {
            switch (entry.KeyPath)
            {
                case ["unqualified-search-registries"]:
                    search.AddRange(entry.AsStringArray().Select(r => Host(entry, r)));
                    break;
                case ["short-name-mode" or "credential-helpers"] or ["aliases", ..]:
                    break;
                case ["registries", ..]:
                    throw entry.Error("is registries.conf version 1, which is not supported; use the version 2 format ([[registry]] tables)");
                case ["registry", var index, "mirror", var mirror, var key] when key is "location" or "insecure" or "pull-from-mirror":
                    Registry(registries, entry, index).Mirrors.TryAdd(Index(mirror), []);
                    Registry(registries, entry, index).Mirrors[Index(mirror)][key] = entry;
                    break;
                case ["registry", var index, var key] when key is "prefix" or "location" or "insecure" or "blocked" or "mirror-by-digest-only":
                    Registry(registries, entry, index).Keys[key] = entry;
                    break;
                default:
                    throw new ConfigException($"{entry.Where}: unknown key '{entry.Key}'");
            }
        }

        return new RegistriesConfig
        {
            SourcePath = path,
            UnqualifiedSearchRegistries = search,
            Registries = [.. registries.Values.Select(r => Entry(path, r.Line, r.Keys, r.Mirrors.Values))],
        };
    }

    private static (int Line, Dictionary<string, TomlEntry> Keys, SortedDictionary<int, Dictionary<string, TomlEntry>> Mirrors) Registry(
        SortedDictionary<int, (int, Dictionary<string, TomlEntry>, SortedDictionary<int, Dictionary<string, TomlEntry>>)> registries,
        TomlEntry entry, string index)
    {
        var i = Index(index);
        if (!registries.TryGetValue(i, out var registry))
        {
            registry = (entry.Line, new Dictionary<string, TomlEntry>(StringComparer.Ordinal), new SortedDictionary<int, Dictionary<string, TomlEntry>>());
            registries[i] = registry;
        }

        return registry;
    }

    private static RegistryEntry Entry(
        string path, int line, Dictionary<string, TomlEntry> keys, IEnumerable<Dictionary<string, TomlEntry>> mirrors)
    {
        var prefix = keys.GetValueOrDefault("prefix") is { } p ? Prefix(p, p.AsString()) : null;
        var location = keys.GetValueOrDefault("location") is { } l ? Location(l, l.AsString()) : null;
        if (prefix is null && location is null)
        {
            throw new ConfigException($"{path}:{line}: [[registry]] needs a prefix or a location");
        }

        if (prefix is not null && prefix.StartsWith("*.", StringComparison.Ordinal) && location is not null)
        {
            throw new ConfigException($"{keys["location"].Where}: a wildcard prefix ({prefix}) cannot have a location");
        }

        return new RegistryEntry(
            prefix ?? location!,
            location ?? (prefix!.StartsWith("*.", StringComparison.Ordinal) ? "" : prefix),
            Bool(keys, "insecure"),
            Bool(keys, "blocked"),
            Bool(keys, "mirror-by-digest-only"),
            [.. mirrors.Select(m => Mirror(path, line, m))]);
    }

    private static RegistryMirror Mirror(string path, int line, Dictionary<string, TomlEntry> keys)
    {
        if (keys.GetValueOrDefault("location") is not { } location)
        {
            throw new ConfigException($"{path}:{line}: [[registry.mirror]] needs a location");
        }

        var pullFrom = keys.GetValueOrDefault("pull-from-mirror") is { } e ? e.AsString() : "all";
        if (pullFrom is not ("all" or "digest-only" or "tag-only"))
        {
            throw keys["pull-from-mirror"].Error("must be one of all, digest-only, tag-only");
        }

        return new RegistryMirror(Location(location, location.AsString()), Bool(keys, "insecure"), pullFrom);
    }

    private static bool Bool(Dictionary<string, TomlEntry> keys, string key) => keys.GetValueOrDefault(key)?.AsBoolean() ?? false;

    private static int Index(string value) => int.Parse(value, CultureInfo.InvariantCulture);

    private static string Prefix(TomlEntry entry, string value)
    {
        if (value.StartsWith("*.", StringComparison.Ordinal))
        {
            return value[2..].Contains('/', StringComparison.Ordinal) || value.Length < 3
                ? throw entry.Error("a wildcard prefix is *.domain, without a path")
                : value;
        }

        return Location(entry, value);
    }

    // host[:port][/path]; the host is checked like an image reference's registry.
    private static string Location(TomlEntry entry, string value)
    {
        var trimmed = value.TrimEnd('/');
        var host = trimmed.Split('/')[0];
        Host(entry, host);
        return Engine.Images.ImageReference.TryParse($"{trimmed}/x") is null && trimmed.Contains('/', StringComparison.Ordinal)
            ? throw entry.Error($"\"{value}\" is not host[:port][/path]")
            : trimmed;
    }

    private static string Host(TomlEntry entry, string host) =>
        Engine.Images.ImageReference.TryParse($"{host}/x") is { RegistryGiven: true } || Engine.Images.ImageReference.TryParse($"{host}:1/x") is { RegistryGiven: true }
            ? host
            : throw entry.Error($"\"{host}\" is not a registry host[:port]");
}
