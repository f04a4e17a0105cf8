using Microsoft.Win32.SafeHandles;
using static Minato.Engine.Linux.Interop.LinuxConstants;

namespace Minato.Engine.Linux;

/// <summary>Listing a directory inside the root without following a symlink in its place, and narrowing the root.</summary>
public sealed partial class RootedDirectory
{
    /// <summary>A new root at the directory <paramref name="path"/> (symlinks on the way followed inside this root);
    /// what is done through it cannot leave that directory.</summary>
    public RootedDirectory OpenSubdirectory(string path) => new(OpenDirectory(path), path.Length == 0 ? HostPath : $"{HostPath}/{path}");

    /// <summary>The names in the directory at <paramref name="path"/> ("" for the root); the directory is opened without
    /// following its last component, so a symlink swapped in its place fails instead of listing what it points to.</summary>
    /// <param name="path">The clean relative path.</param>
    /// <param name="maxEntries">Most names read; more fail with <see cref="InvalidDataException"/>.</param>
    public IReadOnlyList<string> List(string path, int maxEntries)
    {
        using var directory = OpenDirectoryNoFollow(path);

        // The descriptor's /proc link names exactly the opened directory, whatever its path now holds.
        var names = new List<string>();
        foreach (var entry in Directory.EnumerateFileSystemEntries($"/proc/self/fd/{directory.DangerousGetHandle()}"))
        {
            if (names.Count == maxEntries)
            {
                throw new InvalidDataException($"{HostPath}/{path} holds more than {maxEntries} entries");
            }

            names.Add(Path.GetFileName(entry));
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Opens a regular file for reading; a symlink, FIFO or device swapped in its place fails instead of being
    /// followed or blocking the caller (O_NONBLOCK, then the descriptor's own type checked).</summary>
    public SafeFileHandle OpenRegularFileForReading(string path)
    {
        using var parent = OpenParent(path, out var name);
        var file = OpenIn(parent, name, ORdOnly | ONoFollow | ONonBlock | OCloExec, 0, path);
        if (!file.GetStatus().IsRegularFile)
        {
            file.Dispose();
            throw new IOException($"{HostPath}/{path} is no longer a regular file");
        }

        return file;
    }
}
