using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Minato.Engine.Linux;

namespace Minato.Build.Context;

/// <summary>A stable digest of entries of the build context (directories with everything below them), used in build cache keys.</summary>
/// <remarks>
/// Each entry contributes its relative path, type and permission bits, owner, size, symlink target and (for regular
/// files) content, in ordinal path order, so the same tree always gives the same digest and any change that COPY would
/// carry into a layer gives another. Modification times are left out, as Docker's cache does.
/// </remarks>
public static class ContentChecksum
{
    private const int MaxDirectoryEntries = 1_000_000;

    /// <summary><c>sha256:...</c> over each path (and, for a directory, everything below it) in a stable order.</summary>
    public static string Compute(string root, IReadOnlyList<string> relativePaths) => Compute(root, relativePaths, DockerIgnore.Empty);

    /// <summary>As <see cref="Compute(string, IReadOnlyList{string})"/>, leaving out what <paramref name="ignore"/> excludes below a directory.</summary>
    public static string Compute(string root, IReadOnlyList<string> relativePaths, DockerIgnore ignore)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(relativePaths);
        ArgumentNullException.ThrowIfNull(ignore);
        using var directory = RootedDirectory.Open(root);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in relativePaths.Select(p => ContextPath.Clean(p).TrimStart('/')).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            AddTree(directory, path == "." ? "" : path, ignore, hash);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void AddTree(RootedDirectory root, string path, DockerIgnore ignore, IncrementalHash hash)
    {
        var pending = new Stack<string>([path]);
        while (pending.TryPop(out var next))
        {
            var status = root.GetStatus(next) ?? throw new FileNotFoundException($"{next} is not in the build context");
            AddEntry(root, next, status, hash);
            if (!status.IsDirectory)
            {
                continue;
            }

            // Pushed in reverse so children pop in ordinal order.
            var children = root.List(next, MaxDirectoryEntries);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                var child = next.Length == 0 ? children[i] : $"{next}/{children[i]}";
                if (!ignore.IsExcluded(child) || ignore.MayIncludeBelow(child))
                {
                    pending.Push(child);
                }
            }
        }
    }

    private static void AddEntry(RootedDirectory root, string path, FileStatus status, IncrementalHash hash)
    {
        var link = status.IsSymbolicLink ? root.ReadSymbolicLink(path) : "";
        var size = status.IsRegularFile ? status.Size : 0;
        var header = $"{path.Length}:{path}\0{status.Mode:x}\0{status.Uid}\0{status.Gid}\0{size}\0{link.Length}:{link}\0";
        hash.AppendData(Encoding.UTF8.GetBytes(header));
        if (!status.IsRegularFile)
        {
            return;
        }

        using var file = root.OpenFileForReading(path);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(file, buffer, offset)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
