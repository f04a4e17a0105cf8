namespace Minato.Migrate.Node;

/// <summary>
/// Read-only access to a node's files under a root directory (<c>/</c> on the node itself, a fixture tree in
/// tests). Paths are node paths; reads are bounded, so a huge or endless file (a FIFO, /dev/zero) cannot
/// exhaust memory, and a missing or unreadable file reads as absent.
/// </summary>
public sealed class NodeFiles(string root)
{
    /// <summary>Larger files are not configuration; only their first bytes are read.</summary>
    public const int MaxFileBytes = 1 << 20;

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Where a node path lives on this machine.</summary>
    public string Resolve(string nodePath) => Path.Join(Root, nodePath.TrimStart('/'));

    public bool Exists(string nodePath) => File.Exists(Resolve(nodePath)) || Directory.Exists(Resolve(nodePath));

    /// <summary>The file's text (at most <see cref="MaxFileBytes"/>), or null when it does not exist or cannot be read.</summary>
    public string? ReadText(string nodePath)
    {
        try
        {
            var path = Resolve(nodePath);
            if (!File.Exists(path))
            {
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.None);
            var buffer = new byte[MaxFileBytes];
            var total = 0;
            int read;
            while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += read;
            }

            return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Entry names of a directory (not paths), or none.</summary>
    public IEnumerable<string> List(string nodePath)
    {
        var path = Resolve(nodePath);
        try
        {
            return Directory.Exists(path) ? Directory.EnumerateFileSystemEntries(path).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList() : [];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>A symbolic link's target (as /proc/PID/fd/N gives "socket:[123]"), or null.</summary>
    public string? ReadLink(string nodePath)
    {
        try
        {
            return new FileInfo(Resolve(nodePath)).LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
