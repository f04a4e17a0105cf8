using Minato.Docker.Http;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary>Builds the Docker summary of a stored image, for the image list and disk usage.</summary>
public sealed class ImageSummaries(ImageDetails details)
{
    /// <summary>The summary; <paramref name="sharedSize"/> and <paramref name="containers"/> are -1 unless counted.</summary>
    public ImageSummary Summarize(ImageRecord image, ApiVersion version, long sharedSize = -1, long containers = -1)
    {
        ArgumentNullException.ThrowIfNull(image);
        var detail = details.Of(image);
        return new ImageSummary
        {
            Id = image.Id,
            RepoTags = [.. image.RepoTags.Select(DockerNames.Familiar)],
            RepoDigests = [.. image.RepoDigests.Select(DockerNames.Familiar)],
            Created = detail.CreatedUnix,
            Size = image.Size,
            SharedSize = sharedSize,
            VirtualSize = VersionedShapes.VirtualSize(version, image.Size),
            Labels = detail.Labels,
            Containers = containers,
        };
    }
}
