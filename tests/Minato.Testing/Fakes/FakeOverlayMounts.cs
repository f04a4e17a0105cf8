using System.Collections.Concurrent;
using Minato.Engine.Linux;

namespace Minato.Testing.Fakes;

/// <summary>Overlay mounts as a set of targets; the target directory is created as the real mount makes it appear.</summary>
public sealed class FakeOverlayMounts : IOverlayMounts
{
    /// <summary>Mounted targets with their lower directories, top first.</summary>
    public ConcurrentDictionary<string, IReadOnlyList<string>> Mounted { get; } = new();

    /// <summary>When set, the next mount throws this.</summary>
    public Exception? FailNext { get; set; }

    /// <summary>Called with each new target once it exists, to put there what the image's layers would show.</summary>
    public Action<string>? OnMount { get; set; }

    /// <summary>The id maps overlays and binds were mounted with, by target.</summary>
    public ConcurrentDictionary<string, string> IdMapped { get; } = new();

    public void MountOverlay(string target, IReadOnlyList<string> lowerDirectories, string upperDirectory, string workDirectory, MountIdMap? idMap = null)
    {
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        Directory.CreateDirectory(upperDirectory);
        Directory.CreateDirectory(workDirectory);
        Directory.CreateDirectory(target);
        Mounted[target] = lowerDirectories;
        if (idMap is not null)
        {
            IdMapped[target] = idMap.UserNamespace;
        }

        OnMount?.Invoke(target);
    }

    /// <summary>Read-only overlays: the lower directories' files are copied into the target (bottom layer first, symlinks
    /// kept as symlinks) so code that reads the merged view sees what the kernel would show; unmounting empties it.</summary>
    public void MountReadOnlyOverlay(string target, IReadOnlyList<string> lowerDirectories, MountIdMap? idMap = null)
    {
        if (FailNext is { } failure)
        {
            FailNext = null;
            throw failure;
        }

        Directory.CreateDirectory(target);
        foreach (var lower in lowerDirectories.Reverse())
        {
            Copy(new DirectoryInfo(lower), target);
        }

        Mounted[target] = lowerDirectories;
        ReadOnly[target] = true;
        if (idMap is not null)
        {
            IdMapped[target] = idMap.UserNamespace;
        }
    }

    /// <summary>Id-mapped binds: the target is created like the source and recorded with the source.</summary>
    public ConcurrentDictionary<string, string> Binds { get; } = new();

    public void BindIdMapped(string source, string target, string userNamespace)
    {
        if (Directory.Exists(source))
        {
            Directory.CreateDirectory(target);
        }
        else
        {
            File.WriteAllText(target, string.Empty);
        }

        Binds[target] = source;
        IdMapped[target] = userNamespace;
    }

    /// <summary>Targets mounted with <see cref="MountReadOnlyOverlay"/>.</summary>
    public ConcurrentDictionary<string, bool> ReadOnly { get; } = new();

    public void Unmount(string target)
    {
        Mounted.TryRemove(target, out _);
        Binds.TryRemove(target, out _);
        IdMapped.TryRemove(target, out _);
        if (ReadOnly.TryRemove(target, out _) && Directory.Exists(target))
        {
            foreach (var entry in new DirectoryInfo(target).EnumerateFileSystemInfos())
            {
                if (entry is DirectoryInfo { LinkTarget: null } directory)
                {
                    directory.Delete(recursive: true);
                }
                else
                {
                    entry.Delete();
                }
            }
        }
    }

    private static void Copy(DirectoryInfo source, string destination)
    {
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            var to = Path.Combine(destination, entry.Name);
            if (entry.LinkTarget is { } link)
            {
                File.CreateSymbolicLink(to, link);
            }
            else if (entry is DirectoryInfo directory)
            {
                Directory.CreateDirectory(to);
                Copy(directory, to);
            }
            else
            {
                File.Copy(entry.FullName, to, overwrite: true);
            }
        }
    }

    public bool IsMounted(string target) => Mounted.ContainsKey(target);
}
