using Minato.Docker.Http;
using Minato.Engine.Containers;
using Minato.Engine.Images;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary><c>DELETE /images/{name}</c> with dockerd's untag-or-delete rules and its conflicts.</summary>
public sealed partial class ImageRoutes
{
    private async Task RemoveAsync(DockerRequest request)
    {
        var name = request.Route("name");
        var force = request.QueryBool("force");

        // noprune keeps untagged parents; images here have no parent images, so there is nothing to prune either way.
        _ = request.QueryBool("noprune");
        var image = Resolve(name);
        var users = containers.ContainersUsing(image.Id).Select(containers.Find).OfType<ContainerRecord>().ToList();
        var running = users.FirstOrDefault(c => c.Phase == ContainerPhase.Running);
        var named = NameIn(image, name);
        var names = image.RepoTags.Concat(image.RepoDigests).ToList();
        var result = new List<DeleteItem>();
        if (named is not null)
        {
            // By reference: only that name goes while other tags remain.
            if (image.RepoTags.Any(t => t != named))
            {
                await UntagAsync(named, result, request.Aborted);
                await request.WriteJsonAsync(result, DockerJson.Default.ListDeleteItem);
                return;
            }

            if (users.Count > 0 && !force)
            {
                throw DockerApiException.Conflict(
                    $"conflict: unable to remove repository reference \"{name}\" (must force) - container {Short(users[0].Id)} is using its referenced image {Short(image.Id)}");
            }
        }
        else
        {
            var repositories = names.Select(n => DockerNames.Repository(DockerNames.Familiar(n))).Distinct(StringComparer.Ordinal).Count();
            if (repositories > 1 && !force)
            {
                throw DockerApiException.Conflict(
                    $"conflict: unable to delete {Short(image.Id)} (must be forced) - image is referenced in multiple repositories");
            }

            // dockerd never removes an image a running container uses, force or not.
            if (running is not null)
            {
                throw DockerApiException.Conflict(
                    $"conflict: unable to delete {Short(image.Id)} (cannot be forced) - image is being used by running container {Short(running.Id)}");
            }

            if (users.Count > 0 && !force)
            {
                throw DockerApiException.Conflict(
                    $"conflict: unable to delete {Short(image.Id)} (must be forced) - image is being used by stopped container {Short(users[0].Id)}");
            }
        }

        foreach (var n in names)
        {
            await UntagAsync(n, result, request.Aborted);
        }

        // An image a container still stacks keeps its layers: it stays, untagged, until that container is removed.
        if (users.Count == 0 && await images.RemoveAsync(image.Id, request.Aborted))
        {
            details.Forget(image.Id);
            result.Add(new DeleteItem { Deleted = image.Id });
        }

        await request.WriteJsonAsync(result, DockerJson.Default.ListDeleteItem);
    }

    private async Task UntagAsync(string name, List<DeleteItem> result, CancellationToken cancellationToken)
    {
        if (await images.UntagAsync(name, cancellationToken))
        {
            result.Add(new DeleteItem { Untagged = DockerNames.Familiar(name) });
        }
    }

    /// <summary>The stored name of <paramref name="image"/> that <paramref name="reference"/> spells; null when it named the id.</summary>
    private static string? NameIn(ImageRecord image, string reference)
    {
        if (image.RepoTags.Contains(reference) || image.RepoDigests.Contains(reference))
        {
            return reference;
        }

        if (ImageReference.TryParse(reference) is not { } parsed)
        {
            return null;
        }

        var normalised = parsed.Digest is { } digest ? $"{parsed.Name}@{digest}" : parsed.ToString();
        return image.RepoTags.Contains(normalised) || image.RepoDigests.Contains(normalised) ? normalised : null;
    }
}
