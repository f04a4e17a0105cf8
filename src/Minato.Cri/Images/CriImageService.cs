using Minato.Engine;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Store;

namespace Minato.Cri.Images;

/// <summary>CRI image semantics on top of the engine's store and puller: lookup rules, pinning, in-use checks.</summary>
public sealed partial class CriImageService(
    ImageStore images, ImagePuller puller, IImageUsage usage, string? sandboxImage, TimeProvider time)
{
    private readonly string? pinnedName = sandboxImage is { Length: > 0 } s ? ImageReference.TryParse(s)?.ToString() : null;

    /// <summary>Pulls <paramref name="image"/> and returns the image id (the CRI image_ref).</summary>
    public async Task<string> PullAsync(
        string image, RegistryCredential? credential, string? serverAddress, Action<PullProgress>? onStart, CancellationToken cancellationToken)
    {
        // Parsed (and so validated) before anything is built from it.
        var reference = ImageReference.Parse(image);
        var record = await puller.PullAsync(reference, credential, serverAddress, onStart, cancellationToken);
        return record.Id;
    }

    /// <summary>Every image, or only the one <paramref name="filter"/> names.</summary>
    public IReadOnlyList<CriImage> List(string? filter)
    {
        if (string.IsNullOrEmpty(filter))
        {
            return [.. images.All.OrderBy(i => i.Id, StringComparer.Ordinal).Select(ToCri)];
        }

        return Find(filter) is { } one ? [ToCri(one)] : [];
    }

    /// <summary>The image <paramref name="image"/> names, resolved by <see cref="ImageStore.Resolve"/>; null when there is none.</summary>
    /// <exception cref="InvalidInputException">The value is empty, malformed, or an ambiguous id prefix.</exception>
    public ImageRecord? Find(string image) => images.Resolve(image);

    public CriImage ToCri(ImageRecord image)
    {
        var (uid, username) = CriImage.ParseUser(image.User);
        var pinned = pinnedName is not null && (image.RepoTags.Contains(pinnedName) || image.RepoDigests.Contains(pinnedName));
        return new CriImage(image.Id, image.RepoTags, image.RepoDigests, (ulong)image.Size, uid, username, pinned);
    }

    /// <summary>Removes the image <paramref name="image"/> names with all its names; a missing image is not an error.</summary>
    /// <exception cref="PreconditionException">A container uses the image.</exception>
    public async Task RemoveAsync(string image, CancellationToken cancellationToken)
    {
        // CRI: "This call is idempotent, and must not return an error if the image has already been removed."
        if (Find(image) is not { } record)
        {
            return;
        }

        var users = usage.ContainersUsing(record.Id);
        if (users.Count > 0)
        {
            throw new PreconditionException(
                $"image {record.Id} is in use by container(s) {string.Join(", ", users.Take(5))}{(users.Count > 5 ? ", ..." : "")}");
        }

        await images.RemoveAsync(record.Id, cancellationToken);
    }

    /// <summary>Bytes and inodes of snapshots and blobs, and the snapshot root.</summary>
    public ImageFsUsage FsUsage()
    {
        var (bytes, inodes) = images.SnapshotUsage();
        var blobs = images.Content.BytesUsed();
        var now = time.UnixNanoseconds();
        return new ImageFsUsage(now, images.Snapshots.Root, (ulong)(bytes + blobs), (ulong)inodes);
    }
}
