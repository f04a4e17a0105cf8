namespace Minato.Migrate;

/// <summary>One input to analyse: a file or standard input, opened when it is read.</summary>
public sealed record InputSource(string Name, Func<Stream> Open)
{
    /// <summary>The name used for standard input in messages and on the command line.</summary>
    public const string StdinName = "-";

    private static readonly string[] ManifestExtensions = [".yaml", ".yml", ".json"];

    public static InputSource FromFile(string path) => new(path, () => File.OpenRead(path));

    /// <summary>
    /// Expands command-line paths: "-" is standard input, a directory means its YAML and JSON files
    /// (recursively, skipping hidden directories such as .git, in a stable order), a file is itself.
    /// </summary>
    public static IReadOnlyList<InputSource> Expand(IEnumerable<string> paths, Func<Stream> openStdin)
    {
        var sources = new List<InputSource>();
        foreach (var path in paths)
        {
            if (path == StdinName)
            {
                sources.Add(new InputSource(StdinName, openStdin));
            }
            else if (Directory.Exists(path))
            {
                sources.AddRange(ManifestFiles(path).Select(FromFile));
            }
            else if (File.Exists(path))
            {
                sources.Add(FromFile(path));
            }
            else
            {
                throw new ManifestException(new SourceLocation(path, 0), "no such file or directory");
            }
        }

        return sources;
    }

    private static IEnumerable<string> ManifestFiles(string directory)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden };
        return Directory.EnumerateFiles(directory, "*", options)
            .Where(f => !Path.GetRelativePath(directory, f).Split(Path.DirectorySeparatorChar).Any(p => p.StartsWith('.')))
            .Where(f => ManifestExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
    }
}
