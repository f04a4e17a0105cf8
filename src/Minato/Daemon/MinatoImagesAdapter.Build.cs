using Grpc.Core;
using Minato.Api.V1;
using Minato.Build;
using Minato.Engine.Errors;

namespace Minato.Daemon;

/// <summary>Build of <c>minato.v1.Images</c>: the context is a directory on this host, read in place (as Load reads its path).</summary>
internal sealed partial class MinatoImagesAdapter
{
    public override async Task Build(BuildRequest request, IServerStreamWriter<BuildEvent> responseStream, ServerCallContext context)
    {
        var directory = request.ContextDirectory;
        if (string.IsNullOrEmpty(directory) || !Path.IsPathFullyQualified(directory))
        {
            throw new InvalidInputException($"context_directory must be an absolute path, not \"{directory}\"");
        }

        if (!Directory.Exists(directory))
        {
            throw new InvalidInputException($"context_directory {directory} is not a directory on the daemon's host");
        }

        var options = new BuildOptions
        {
            Dockerfile = request.Dockerfile is { Length: > 0 } dockerfile ? dockerfile : "Dockerfile",
            Tags = [.. request.Tags],
            BuildArgs = request.BuildArgs.ToDictionary(p => p.Key, p => (string?)p.Value, StringComparer.Ordinal),
            Target = request.Target is { Length: > 0 } target ? target : null,
            NoCache = request.NoCache,
            Pull = request.Pull,
            Labels = request.Labels.ToDictionary(StringComparer.Ordinal),
            NetworkMode = request.NetworkMode is { Length: > 0 } network ? network : "default",
            Quiet = request.Quiet,
        };
        var result = await builder.BuildAsync(directory, options, new StreamOutput(responseStream), context.CancellationToken);
        var last = new BuildEvent { ImageId = result.ImageId };
        last.Tags.AddRange(result.Tags);
        await responseStream.WriteAsync(last, context.CancellationToken);
    }

    /// <summary>Sends each piece of builder output as one event, in order.</summary>
    private sealed class StreamOutput(IServerStreamWriter<BuildEvent> stream) : IBuildOutput
    {
        public async ValueTask WriteAsync(string text, CancellationToken cancellationToken) =>
            await stream.WriteAsync(new BuildEvent { Text = text }, cancellationToken);
    }
}
