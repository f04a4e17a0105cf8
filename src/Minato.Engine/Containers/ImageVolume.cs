using System.Text;
using Minato.Engine.Errors;
using Minato.Engine.Images.Store;

namespace Minato.Engine.Containers;

/// <summary>An image a front door asks to show read-only inside a container (Kubernetes image volumes, KEP-4639;
/// Docker's <c>--mount type=image</c>): its layers as a read-only, noexec overlay, nothing copied.</summary>
/// <param name="Image">The resolved image; it must stay present while the container exists.</param>
/// <param name="SubPath">A relative path inside the image to show instead of its root; empty for the root.</param>
public sealed record ImageVolume(ImageRecord Image, string SubPath = "")
{
    /// <summary>Longest sub-path accepted (PATH_MAX).</summary>
    public const int MaxSubPathBytes = 4096;

    /// <summary>The sub-path without empty and '.' components ("" for the image root).</summary>
    /// <exception cref="InvalidInputException">It is absolute, too long, holds a NUL or a '..' component.</exception>
    public static string CleanSubPath(string subPath)
    {
        ArgumentNullException.ThrowIfNull(subPath);
        if (Encoding.UTF8.GetByteCount(subPath) > MaxSubPathBytes || subPath.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"image sub-path must be at most {MaxSubPathBytes} bytes without NUL");
        }

        if (subPath.StartsWith('/'))
        {
            throw new InvalidInputException($"image sub-path \"{subPath}\" must be relative to the image root");
        }

        var components = subPath.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(c => c != ".").ToList();
        if (components.Contains(".."))
        {
            throw new InvalidInputException($"image sub-path \"{subPath}\" must not contain '..'");
        }

        return string.Join('/', components);
    }
}

/// <summary>An image volume as a container holds it (persisted in its record): which image, the sub-path shown, and
/// where the image's read-only overlay is mounted on the host, so removal and recovery know what to undo or rebuild.</summary>
/// <param name="ImageId">The image id (<c>sha256:...</c>); the image counts as in use while the container exists.</param>
/// <param name="SubPath">The clean sub-path inside the image ("" for its root).</param>
/// <param name="MountPoint">The host directory of the overlay, under the container's bundle.</param>
public sealed record ContainerImageMount(string ImageId, string SubPath, string MountPoint);
