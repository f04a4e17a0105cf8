using Minato.Engine.Linux;

namespace Minato.Engine.Devices.Cdi;

/// <summary>Status of host files a CDI spec names: the spec files themselves and the device nodes they expose.</summary>
internal static class CdiHostFiles
{
    /// <summary>The status of <paramref name="path"/> with symlinks followed, or null when it does not exist.</summary>
    /// <remarks>The parent is opened directly (not walked from '/') because /dev and the filesystems under it are
    /// separate mounts; device directories such as <c>/dev/dri/by-path</c> are links, hence the resolve.</remarks>
    public static FileStatus? Status(string path)
    {
        string target;
        try
        {
            target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return null;
        }

        var parent = Path.GetDirectoryName(target);
        if (parent is null || !Directory.Exists(parent))
        {
            return null;
        }

        using var directory = RootedDirectory.Open(parent);
        return directory.GetStatus(Path.GetFileName(target));
    }
}
