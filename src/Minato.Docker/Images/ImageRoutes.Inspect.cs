using System.Globalization;
using Minato.Docker.Http;
using Minato.Engine.Errors;
using Minato.Engine.Images;

namespace Minato.Docker.Images;

/// <summary><c>GET /images/{name}/json</c>, <c>/history</c> and <c>POST /images/{name}/tag</c>.</summary>
public sealed partial class ImageRoutes
{
    private Task InspectAsync(DockerRequest request)
    {
        var image = Resolve(request.Route("name"));
        var detail = details.Of(image);
        var lower = string.Join(':', image.Layers.Reverse().Select(l => images.Snapshots.PathOf(l.Snapshot)));
        return request.WriteJsonAsync(new ImageInspect
        {
            Id = image.Id,
            RepoTags = [.. image.RepoTags.Select(DockerNames.Familiar)],
            RepoDigests = [.. image.RepoDigests.Select(DockerNames.Familiar)],
            Created = detail.Config.Created?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.FFFFFFFZ", CultureInfo.InvariantCulture) ?? "",
            Author = detail.Config.Author ?? "",
            Config = detail.ContainerConfig,
            Architecture = detail.Config.Architecture ?? "",
            Variant = detail.Config.Variant is { Length: > 0 } v ? v : null,
            Os = detail.Config.Os ?? "",
            Size = image.Size,
            VirtualSize = VersionedShapes.VirtualSize(request.Version, image.Size),
            GraphDriver = new GraphDriver(Daemon.InfoRoutes.StorageDriver, new Dictionary<string, string>(StringComparer.Ordinal) { ["LowerDir"] = lower }),
            RootFS = new RootFsShape("layers", [.. image.Layers.Select(l => l.DiffId)]),
            Metadata = new ImageMetadata("0001-01-01T00:00:00Z"),
        }, DockerJson.Default.ImageInspect);
    }

    // Newest first, as dockerd: the top entry carries the image id and tags, the others "<missing>" (no parent images here).
    private Task HistoryAsync(DockerRequest request)
    {
        var image = Resolve(request.Route("name"));
        var detail = details.Of(image);
        var history = detail.Config.History is { Count: > 0 } h
            ? h
            : [.. image.Layers.Select(_ => new Engine.Images.Manifests.HistoryEntry { Created = detail.Config.Created })];
        var items = new List<HistoryItem>(history.Count);
        var layer = 0;
        foreach (var entry in history)
        {
            var size = 0L;
            if (!entry.EmptyLayer && layer < image.Layers.Count)
            {
                size = images.FindSnapshot(image.Layers[layer++].Snapshot)?.Bytes ?? 0;
            }

            items.Add(new HistoryItem("<missing>", entry.Created?.ToUnixTimeSeconds() ?? 0, entry.CreatedBy ?? "", null, size, entry.Comment ?? ""));
        }

        items.Reverse();
        items[0] = items[0] with { Id = image.Id, Tags = [.. image.RepoTags.Select(DockerNames.Familiar)] };
        return request.WriteJsonAsync(items, DockerJson.Default.ListHistoryItem);
    }

    private async Task TagAsync(DockerRequest request)
    {
        var image = Resolve(request.Route("name"));
        var repo = request.Query("repo") ?? "";
        var tag = request.Query("tag") ?? "";
        if (repo.Length == 0)
        {
            throw DockerApiException.BadRequest("repository name (repo) is required");
        }

        if (repo.Length == 64 && repo.All(char.IsAsciiHexDigitLower))
        {
            throw DockerApiException.BadRequest($"invalid repository name ({repo}), cannot specify 64-byte hexadecimal strings");
        }

        ImageReference target;
        try
        {
            target = ImageReference.Parse(tag.Length > 0 ? $"{repo}:{tag}" : repo);
        }
        catch (InvalidInputException e)
        {
            throw DockerApiException.BadRequest(e.Message);
        }

        if (target.Digest is not null)
        {
            throw DockerApiException.BadRequest("refusing to create a tag with a digest reference");
        }

        await images.TagAsync(image.Id, target.ToString(), request.Aborted);
        await request.WriteStatusAsync(Microsoft.AspNetCore.Http.StatusCodes.Status201Created);
    }
}
