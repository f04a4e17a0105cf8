using Minato.Docker.Http;

namespace Minato.Docker.Images;

/// <summary><c>POST /images/prune</c>: removes dangling images (with <c>dangling=false</c>, every unused image).</summary>
public sealed partial class ImageRoutes
{
    private async Task PruneAsync(DockerRequest request)
    {
        var filters = request.Filters();
        filters.Validate("dangling", "label", "label!");
        var danglingOnly = filters.Bool("dangling") ?? true;
        var labels = filters.Get("label");
        var notLabels = filters.Get("label!");
        var before = Usage();
        var deleted = new List<DeleteItem>();
        foreach (var image in images.All.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            var imageLabels = details.Of(image).Labels;
            if (danglingOnly && image.RepoTags.Count > 0 || containers.ContainersUsing(image.Id).Count > 0 ||
                !labels.All(l => HasLabel(imageLabels, l)) || notLabels.Any(l => HasLabel(imageLabels, l)))
            {
                continue;
            }

            foreach (var name in image.RepoTags.Concat(image.RepoDigests))
            {
                await UntagAsync(name, deleted, request.Aborted);
            }

            if (await images.RemoveAsync(image.Id, request.Aborted))
            {
                details.Forget(image.Id);
                deleted.Add(new DeleteItem { Deleted = image.Id });
            }
        }

        // What the disk got back: snapshots and blobs other images still share are not counted.
        await request.WriteJsonAsync(new PruneResponse(deleted.Count > 0 ? deleted : null, Math.Max(0, before - Usage())), DockerJson.Default.PruneResponse);
    }

    private long Usage() => images.SnapshotUsage().Bytes + images.Content.BytesUsed();
}
