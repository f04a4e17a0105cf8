using Minato.Engine.Linux;
using Minato.Engine.Network;

namespace Minato.Cri.Network;

/// <summary>The network list Minato renders from its template, at a fixed name in the CNI config directory.</summary>
/// <param name="Path">The file: <c>&lt;cni_config_dir&gt;/10-minato-net.conflist</c>.</param>
public sealed record RenderedCniConfig(string Path)
{
    /// <summary>
    /// The file's name: the place of containerd's <c>10-containerd-net.conflist</c> in the ordinal order (the first
    /// valid list is the pod network), with a name that says which runtime wrote it.
    /// </summary>
    public const string FileName = "10-minato-net.conflist";

    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>The file in <paramref name="configDir"/>.</summary>
    public static RenderedCniConfig In(string configDir) => new(System.IO.Path.Combine(configDir, FileName));

    /// <summary>The file's bytes, or null when it does not exist (or is too large to be one Minato wrote).</summary>
    public byte[]? Read()
    {
        try
        {
            var info = new FileInfo(Path);
            return info.Exists && info.Length <= CniNetworkList.MaxFileSize ? File.ReadAllBytes(Path) : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Replaces the file with <paramref name="content"/> all at once: a temporary file in the same directory (its name
    /// does not end in <c>.conflist</c>, so a reader of the directory never takes it for a network), synced, renamed
    /// over the file, and the directory synced, so a reader sees the old file or the new one and a crash leaves one of them.
    /// </summary>
    public void Write(byte[] content)
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory, DirectoryMode);
        var temporary = System.IO.Path.Combine(directory, $".{FileName}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, new FileStreamOptions
            {
                Mode = System.IO.FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = FileMode,
            }))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        using var root = RootedDirectory.Open(directory);
        using var handle = root.OpenDirectory("");
        handle.Sync();
    }

    /// <summary>Puts back what <see cref="Read"/> returned before a change: those bytes, or no file.</summary>
    public void Restore(byte[]? previous)
    {
        if (previous is null)
        {
            File.Delete(Path);
        }
        else
        {
            Write(previous);
        }
    }
}
