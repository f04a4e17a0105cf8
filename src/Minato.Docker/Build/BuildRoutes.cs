using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Minato.Build;
using Minato.Build.Context;
using Minato.Docker.Events;
using Minato.Docker.Http;
using Minato.Docker.Images;
using Minato.Engine.Images.Snapshots;

namespace Minato.Docker.Build;

/// <summary><c>POST /build</c> (the classic builder protocol the docker CLI speaks with <c>DOCKER_BUILDKIT=0</c>) and
/// <c>POST /build/prune</c>.</summary>
/// <remarks>The context tar is unpacked (confined, size-capped) into a scratch directory under Minato's root that is
/// removed after the build whatever happens. Progress goes out as dockerd's JSON lines: <c>{"stream":...}</c>, the id as
/// <c>{"aux":{"ID":...}}</c>, a failure as <c>{"errorDetail":{...},"error":...}</c> once the 200 stream has started.</remarks>
public sealed class BuildRoutes(ImageBuilder builder, DockerHostOptions options, DockerEvents events) : IDockerRoutes
{
    /// <summary>Most build args, labels or tags one request may carry.</summary>
    public const int MaxEntries = 1024;

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Post, "/build", BuildAsync, options.MaxBuildContextBytes),
        new(HttpMethods.Post, "/build/prune", PruneAsync, 0),
    ];

    private async Task BuildAsync(DockerRequest request)
    {
        var buildOptions = ReadOptions(request);
        var directory = Path.Combine(options.RootDirectory, "build", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var output = new StreamOutput(request.Http.Response);
        try
        {
            await BuildContext.ExtractAsync(request.Http.Request.Body, directory, options.MaxBuildContextBytes, request.Aborted);
            var result = await builder.BuildAsync(directory, buildOptions, output, request.Aborted);
            await output.WriteLineAsync(w =>
            {
                w.WriteStartObject("aux");
                w.WriteString("ID", result.ImageId);
                w.WriteEndObject();
            }, request.Aborted);
            foreach (var tag in result.Tags)
            {
                events.Publish("image", "tag", result.ImageId, new Dictionary<string, string> { ["name"] = DockerNames.Familiar(tag) });
            }
        }
        catch (Exception e) when (output.Started && e is not OperationCanceledException)
        {
            // The answer is a 200 stream already: dockerd ends it with an error line, which the CLI prints and exits on.
            var code = e is BuildFailedException { ExitCode: { } exit } ? exit : 1;
            var message = DockerErrors.Map(e).Message;
            await output.WriteLineAsync(w =>
            {
                w.WriteStartObject("errorDetail");
                w.WriteNumber("code", code);
                w.WriteString("message", message);
                w.WriteEndObject();
                w.WriteString("error", message);
            }, request.Aborted);
        }
        finally
        {
            SnapshotStore.Delete(directory);
        }
    }

    private async Task PruneAsync(DockerRequest request)
    {
        var reclaimed = await builder.PruneCacheAsync(request.QueryBool("all"), request.Aborted);
        request.Http.Response.StatusCode = StatusCodes.Status200OK;
        request.Http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(request.Http.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartArray("CachesDeleted");
        writer.WriteEndArray();
        writer.WriteNumber("SpaceReclaimed", reclaimed);
        writer.WriteEndObject();
    }

    private static BuildOptions ReadOptions(DockerRequest request)
    {
        if (request.Query("remote") is { Length: > 0 })
        {
            throw DockerApiException.BadRequest("remote build contexts are not supported: send the context as the request body");
        }

        var tags = request.Http.Request.Query["t"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
        if (tags.Count > MaxEntries)
        {
            throw DockerApiException.BadRequest($"at most {MaxEntries} tags (t) may be given");
        }

        foreach (var tag in tags)
        {
            if (Engine.Images.ImageReference.TryParse(tag) is null)
            {
                throw DockerApiException.BadRequest($"invalid reference format: repository name must be lowercase (t={tag})");
            }
        }

        var network = request.Query("networkmode") is { Length: > 0 } mode ? mode : "default";
        if (network is not ("default" or "bridge" or "none" or "host"))
        {
            throw DockerApiException.BadRequest($"networkmode \"{network}\" is not supported for builds: use default, bridge, none or host");
        }

        return new BuildOptions
        {
            Dockerfile = request.Query("dockerfile") is { Length: > 0 } file ? file : "Dockerfile",
            Tags = tags,
            BuildArgs = ReadMap<string?>("buildargs", request.Query("buildargs")),
            Target = request.Query("target") is { Length: > 0 } target ? target : null,
            NoCache = request.QueryBool("nocache"),
            Pull = request.QueryBool("pull"),
            Labels = ReadMap<string>("labels", request.Query("labels")),
            NetworkMode = network,
            Remove = request.Query("rm") is null || request.QueryBool("rm"),
            ForceRemove = request.QueryBool("forcerm"),
            Quiet = request.QueryBool("q"),
        };
    }

    private static Dictionary<string, T> ReadMap<T>(string field, string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw DockerApiException.BadRequest($"{field} must be a JSON object of strings");
            }

            var map = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (map.Count == MaxEntries)
                {
                    throw DockerApiException.BadRequest($"{field} holds more than {MaxEntries} entries");
                }

                map[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => (T)(object)property.Value.GetString()!,
                    JsonValueKind.Null when typeof(T) == typeof(string) => throw DockerApiException.BadRequest($"{field}: {property.Name} must be a string"),
                    JsonValueKind.Null => default!,
                    _ => throw DockerApiException.BadRequest($"{field}: {property.Name} must be a string"),
                };
            }

            return map;
        }
        catch (JsonException e)
        {
            throw DockerApiException.BadRequest($"{field} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Writes the builder's text as <c>{"stream":...}</c> lines, starting the 200 answer on the first one.</summary>
    private sealed class StreamOutput(HttpResponse response) : IBuildOutput
    {
        public bool Started { get; private set; }

        public ValueTask WriteAsync(string text, CancellationToken cancellationToken) =>
            new(WriteLineAsync(w => w.WriteString("stream", text), cancellationToken));

        public async Task WriteLineAsync(Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
        {
            if (!Started)
            {
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "application/json";
                Started = true;
            }

            var buffer = new MemoryStream();
            await using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                body(writer);
                writer.WriteEndObject();
            }

            buffer.Write("\r\n"u8);
            await response.Body.WriteAsync(buffer.ToArray(), cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }
}
