using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Engine.Errors;
using Minato.Engine.Images;
using Minato.Engine.Images.Pull;
using Minato.Engine.Images.Registry;
using Minato.Engine.Images.Store;

namespace Minato.Docker.Images;

/// <summary><c>POST /images/create</c>: a pull, streamed as the JSON progress lines the docker CLI renders, or an import
/// (<c>fromSrc</c>, see <see cref="RootfsImport"/>).</summary>
public sealed partial class ImageRoutes
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private async Task CreateAsync(DockerRequest request)
    {
        if (!string.IsNullOrEmpty(request.Query("fromSrc")))
        {
            await import.ImportAsync(request);
            return;
        }

        var reference = PullReference(request.Query("fromImage"), request.Query("tag"));
        CheckPlatform(request.Query("platform"));
        var credential = RegistryAuthHeader.Decode(request.Http.Request.Headers["X-Registry-Auth"]);
        var before = images.Find(reference.ToString())?.Id;

        PullProgress? progress = null;
        var pull = puller.PullAsync(reference, credential?.ToCredential(), credential?.ServerAddress, p => progress = p, request.Aborted);
        var writer = new PullProgressWriter(request.Http.Response.Body);
        var shownName = DockerNames.Familiar(reference.ToString());
        try
        {
            while (await Task.WhenAny(pull, Task.Delay(ProgressInterval, request.Aborted)) != pull)
            {
                await ReportAsync(request, writer, reference, progress, request.Aborted);
            }

            var image = await pull;
            await ReportAsync(request, writer, reference, progress, request.Aborted);
            if (RepoDigest(image, reference) is { } digest)
            {
                await writer.StatusAsync($"Digest: {digest}", null, request.Aborted);
            }

            var status = before == image.Id ? $"Image is up to date for {shownName}" : $"Downloaded newer image for {shownName}";
            await writer.StatusAsync($"Status: {status}", null, request.Aborted);
        }
        catch (RegistryException e) when (!writer.Started && e.Failure == RegistryFailure.Unauthorized)
        {
            // dockerd answers a refused pull as "not found" (so as not to tell which private repositories exist); a 401
            // would make the CLI retry with credentials it prompts for.
            throw DockerApiException.NotFound(
                $"pull access denied for {DockerNames.Repository(shownName)}, repository does not exist or may require 'docker login': {e.Message}");
        }
        catch (Exception e) when (writer.Started && e is not OperationCanceledException)
        {
            // The answer is a 200 stream already: dockerd reports the failure as a last line, which the CLI prints.
            DockerLog.PullFailedInStream(Logger, e, shownName);
            await writer.ErrorAsync(DockerErrors.Map(e).Message, request.Aborted);
        }
    }

    // Nothing is written before the registry answered with a manifest, so "not found" and "unauthorized" keep their status.
    private static async Task ReportAsync(
        DockerRequest request, PullProgressWriter writer, ImageReference reference, PullProgress? progress, CancellationToken cancellationToken)
    {
        if (progress is null || progress.ManifestDigest is null)
        {
            return;
        }

        if (!writer.Started)
        {
            request.Http.Response.StatusCode = StatusCodes.Status200OK;
            request.Http.Response.ContentType = "application/json";
            await writer.StatusAsync($"Pulling from {reference.Repository}", reference.Tag ?? reference.Digest?.ToString(), cancellationToken);
        }

        await writer.LayersAsync(progress.Snapshot(), cancellationToken);
    }

    /// <summary>The reference of a pull: the CLI sends the name as <c>fromImage</c> and the tag (or a digest) as <c>tag</c>.</summary>
    internal static ImageReference PullReference(string? fromImage, string? tag)
    {
        if (string.IsNullOrEmpty(fromImage))
        {
            throw DockerApiException.BadRequest("fromImage is required (the image to pull)");
        }

        var text = string.IsNullOrEmpty(tag) ? fromImage : fromImage + (tag.Contains(':', StringComparison.Ordinal) ? "@" : ":") + tag;
        try
        {
            return ImageReference.Parse(text);
        }
        catch (InvalidInputException e)
        {
            throw DockerApiException.BadRequest(e.Message);
        }
    }

    // The engine pulls the host's platform; a request for another one is refused rather than silently ignored.
    private static void CheckPlatform(string? platform)
    {
        if (string.IsNullOrEmpty(platform))
        {
            return;
        }

        var host = $"linux/{Daemon.HostFigures.GoArch}";
        if (platform != host && !platform.StartsWith(host + "/", StringComparison.Ordinal))
        {
            throw DockerApiException.BadRequest($"platform \"{platform}\" is not supported: this engine pulls {host} images");
        }
    }

    private static string? RepoDigest(ImageRecord image, ImageReference reference) =>
        image.RepoDigests.FirstOrDefault(d => d.StartsWith(reference.Name + "@", StringComparison.Ordinal)) is { } name
            ? name[(name.IndexOf('@', StringComparison.Ordinal) + 1)..]
            : null;
}
