namespace Minato.Build.Dockerfile;

/// <summary>The <c>--name=value</c> flags of one instruction, checked against the names it accepts, as Docker's BFlags does.</summary>
internal sealed class BuilderFlags
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _lists = new(StringComparer.Ordinal);

    private BuilderFlags()
    {
    }

    /// <summary>Reads <paramref name="words"/> (each still starting with <c>--</c>) against the flags the instruction knows.</summary>
    /// <remarks><paramref name="strings"/> take one value, <paramref name="lists"/> may repeat, <paramref name="booleans"/> are true alone or take true/false.</remarks>
    public static BuilderFlags Parse(
        int line,
        string keyword,
        IReadOnlyList<string> words,
        IReadOnlyCollection<string> strings,
        IReadOnlyCollection<string> lists,
        IReadOnlyCollection<string> booleans)
    {
        var flags = new BuilderFlags();
        foreach (var word in words)
        {
            if (!word.StartsWith("--", StringComparison.Ordinal))
            {
                throw new DockerfileSyntaxException(line, $"{keyword}: arg should start with -- : {word}");
            }

            var body = word[2..];
            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            var value = equals < 0 ? null : body[(equals + 1)..];
            if (lists.Contains(name))
            {
                if (value is null)
                {
                    throw new DockerfileSyntaxException(line, $"{keyword}: missing a value on flag: {name}");
                }

                if (!flags._lists.TryGetValue(name, out var list))
                {
                    flags._lists[name] = list = [];
                }

                list.Add(value);
                continue;
            }

            if (!strings.Contains(name) && !booleans.Contains(name))
            {
                var known = strings.Concat(lists).Concat(booleans).Order(StringComparer.Ordinal).ToList();
                var hint = known.Count == 0 ? $"{keyword} takes no flags" : $"{keyword} takes --{string.Join(", --", known)}";
                throw new DockerfileSyntaxException(line, $"unknown flag: {name} ({hint})");
            }

            if (flags._values.ContainsKey(name))
            {
                throw new DockerfileSyntaxException(line, $"{keyword}: duplicate flag specified: {name}");
            }

            if (booleans.Contains(name))
            {
                flags._values[name] = value?.ToLowerInvariant() switch
                {
                    null or "true" => "true",
                    "false" => "false",
                    "" => throw new DockerfileSyntaxException(line, $"{keyword}: missing a value on flag: {name}"),
                    _ => throw new DockerfileSyntaxException(line, $"{keyword}: expecting boolean value for flag {name}, not: {value}"),
                };
            }
            else
            {
                flags._values[name] = value ?? throw new DockerfileSyntaxException(line, $"{keyword}: missing a value on flag: {name}");
            }
        }

        return flags;
    }

    public string? String(string name) => _values.GetValueOrDefault(name);

    public bool Boolean(string name) => _values.GetValueOrDefault(name) == "true";

    public IReadOnlyList<string> List(string name) => _lists.TryGetValue(name, out var list) ? list : [];
}
