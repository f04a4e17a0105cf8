using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Minato.Configuration;

/// <summary>One key of a TOML file with its full dotted path, its value and where it was written.</summary>
public sealed record TomlEntry(string File, int Line, IReadOnlyList<string> KeyPath, ValueSyntax Value)
{
    /// <summary>The dotted key as a person would write it.</summary>
    public string Key => string.Join('.', KeyPath);

    /// <summary>"file:line" for messages.</summary>
    public string Where => $"{File}:{Line}";

    /// <summary>The value as a string, or a <see cref="ConfigException"/> naming the key.</summary>
    public string AsString() => Value is StringValueSyntax { Value: { } s } ? s : throw Expected("a string");

    /// <summary>The value as an integer, or a <see cref="ConfigException"/> naming the key.</summary>
    public long AsInteger() => Value is IntegerValueSyntax i ? i.Value : throw Expected("an integer");

    /// <summary>The value as a boolean, or a <see cref="ConfigException"/> naming the key.</summary>
    public bool AsBoolean() => Value is BooleanValueSyntax b ? b.Value : throw Expected("true or false");

    /// <summary>The value as an array of strings, or a <see cref="ConfigException"/> naming the key.</summary>
    public IReadOnlyList<string> AsStringArray()
    {
        if (Value is not ArraySyntax array)
        {
            throw Expected("an array of strings");
        }

        return array.Items.Select(item => item.Value is StringValueSyntax { Value: { } s } ? s : throw Expected("an array of strings")).ToList();
    }

    /// <summary>An error for this key: "file:line: key 'k' message".</summary>
    public ConfigException Error(string message) => new($"{Where}: key '{Key}' {message}");

    private ConfigException Expected(string what) => Error($"must be {what}");
}

/// <summary>Reads a TOML document into flat <see cref="TomlEntry"/> items, keeping line numbers for messages.</summary>
/// <remarks>
/// Binding from the syntax tree rather than Tomlyn's object model lets every unknown key and bad value be
/// reported with its line, and lets tables with operator-chosen names (<c>[runtimes.NAME]</c>) be checked.
/// </remarks>
public static class TomlEntries
{
    /// <summary>Largest configuration file read.</summary>
    public const int MaxFileSize = 1024 * 1024;

    /// <summary>Parses <paramref name="text"/>; syntax errors become a <see cref="ConfigException"/> with the line.</summary>
    /// <param name="text">The TOML document.</param>
    /// <param name="file">The file name used in messages.</param>
    /// <param name="tableArrays">
    /// Accept arrays of tables: the keys of the Nth <c>[[a]]</c> get the path <c>a.N.key</c>, and a nested
    /// <c>[[a.b]]</c> belongs to the last <c>[[a]]</c> (<c>a.N.b.M.key</c>), as in registries.conf.
    /// </param>
    public static IReadOnlyList<TomlEntry> Parse(string text, string file, bool tableArrays = false)
    {
        var document = SyntaxParser.Parse(text, file, true);
        if (document.HasErrors)
        {
            var first = document.Diagnostics.First(d => d.Kind == DiagnosticMessageKind.Error);
            throw new ConfigException($"{file}:{first.Span.Start.Line + 1}: {first.Message}");
        }

        var entries = new List<TomlEntry>();
        foreach (var keyValue in document.KeyValues)
        {
            Add(entries, file, [], keyValue);
        }

        var arrayCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in document.Tables)
        {
            if (table is TableArraySyntax && !tableArrays)
            {
                throw new ConfigException($"{file}:{table.Span.Start.Line + 1}: arrays of tables ([[...]]) are not used in this file");
            }

            var prefix = tableArrays ? IndexedPath(KeyPath(table.Name!), table is TableArraySyntax, arrayCounts) : KeyPath(table.Name!);
            foreach (var item in table.Items)
            {
                Add(entries, file, prefix, item);
            }
        }

        return entries;
    }

    /// <summary>Reads and parses a file, with a size cap; a missing file is an error that names it.</summary>
    public static IReadOnlyList<TomlEntry> ReadFile(string path, bool tableArrays = false)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new ConfigException($"{path}: configuration file not found");
            }

            if (info.Length > MaxFileSize)
            {
                throw new ConfigException($"{path}: configuration file is larger than {MaxFileSize} bytes");
            }

            return Parse(File.ReadAllText(path), path, tableArrays);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read configuration file: {e.Message}", e);
        }
    }

    private static void Add(List<TomlEntry> entries, string file, IReadOnlyList<string> prefix, KeyValueSyntax keyValue)
    {
        var path = prefix.Concat(KeyPath(keyValue.Key!)).ToList();
        if (keyValue.Value is InlineTableSyntax inline)
        {
            foreach (var item in inline.Items)
            {
                Add(entries, file, path, item.KeyValue!);
            }

            return;
        }

        entries.Add(new TomlEntry(file, keyValue.Span.Start.Line + 1, path, keyValue.Value!));
    }

    // Each component naming an array of tables gets the index of its current element; the last one starts a new element.
    private static List<string> IndexedPath(List<string> names, bool isArray, Dictionary<string, int> counts)
    {
        var path = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            path.Add(names[i]);
            var key = string.Join('\0', path);
            if (i == names.Count - 1 && isArray)
            {
                var next = counts.GetValueOrDefault(key);
                counts[key] = next + 1;
                path.Add(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (counts.TryGetValue(key, out var count))
            {
                path.Add((count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return path;
    }

    private static List<string> KeyPath(KeySyntax key)
    {
        var parts = new List<string> { Name(key.Key!) };
        parts.AddRange(key.DotKeys.Select(d => Name(d.Key!)));
        return parts;
    }

    private static string Name(BareKeyOrStringValueSyntax key) => key switch
    {
        BareKeySyntax bare => bare.Key!.Text!,
        StringValueSyntax quoted => quoted.Value!,
        _ => key.ToString(),
    };
}
