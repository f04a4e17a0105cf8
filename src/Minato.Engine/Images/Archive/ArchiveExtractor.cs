using System.Formats.Tar;
using Minato.Engine.Errors;

namespace Minato.Engine.Images.Archive;

/// <summary>Extracts the outer tar of an image archive (not a layer) into a directory, confined and bounded.</summary>
/// <remarks>
/// Only regular files, directories and symlinks are taken; names with <c>..</c> or an absolute path are refused. A
/// symlink (docker save links repeated layers) becomes a copy of its target when the target lies inside the archive.
/// </remarks>
public static class ArchiveExtractor
{
    /// <summary>Most entries an archive may hold.</summary>
    public const int MaxEntries = 100_000;

    public static async Task ExtractAsync(string archive, string directory, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(archive);
        await ExtractAsync(file, archive, directory, cancellationToken);
    }

    /// <summary>Extracts the tar read from <paramref name="input"/>; <paramref name="archive"/> names it in messages.</summary>
    public static async Task ExtractAsync(Stream input, string archive, string directory, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(input, leaveOpen: true);
        var links = new List<(string Path, string Target)>();
        var count = 0;
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (++count > MaxEntries)
            {
                throw new InvalidInputException($"{archive}: more than {MaxEntries} entries");
            }

            var path = Confined(archive, directory, entry.Name);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(path);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                    {
                        if (entry.DataStream is { } data)
                        {
                            await data.CopyToAsync(output, cancellationToken);
                        }
                    }

                    break;
                case TarEntryType.SymbolicLink:
                    links.Add((path, Confined(archive, directory, Path.Combine(Path.GetDirectoryName(entry.Name) ?? "", entry.LinkName))));
                    break;
                default:
                    break;
            }
        }

        foreach (var (path, target) in links)
        {
            if (File.Exists(target) && !File.Exists(path))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Copy(target, path);
            }
        }
    }

    private static string Confined(string archive, string directory, string name)
    {
        var parts = name.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        var stack = new List<string>();
        foreach (var part in parts)
        {
            if (part == "..")
            {
                if (stack.Count == 0)
                {
                    throw new InvalidInputException($"{archive}: entry \"{name}\" leaves the archive");
                }

                stack.RemoveAt(stack.Count - 1);
            }
            else
            {
                stack.Add(part);
            }
        }

        return stack.Count == 0 || name.StartsWith('/')
            ? throw new InvalidInputException($"{archive}: entry \"{name}\" is not a relative path")
            : Path.Combine([directory, .. stack]);
    }
}
