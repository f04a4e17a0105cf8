using System.Text.Json;
using System.Text.Json.Serialization;
using Minato.Docker.Http;
using Minato.Engine.Images.Push;

namespace Minato.Docker.Images;

/// <summary>
/// Turns the engine's push progress into dockerd's JSON lines: "Preparing", "Waiting", "Pushing" with bytes, "Pushed",
/// "Layer already exists" or "Mounted from ...", keyed by the layer's short DiffID, then the digest line and its aux.
/// </summary>
public sealed class PushProgressWriter(Stream output)
{
    private static readonly byte[] NewLine = "\r\n"u8.ToArray();
    private readonly Dictionary<string, (PushLayerState State, long Bytes)> shown = new(StringComparer.Ordinal);

    /// <summary>True once a line was written.</summary>
    public bool Started { get; private set; }

    /// <summary>Writes a status line.</summary>
    public Task StatusAsync(string status, string? id, CancellationToken cancellationToken, ProgressDetail? detail = null, string? progress = null) =>
        WriteAsync(new ProgressMessage { Status = status, Id = id, ProgressDetail = detail, Progress = progress }, DockerJson.Default.ProgressMessage, cancellationToken);

    /// <summary>Writes an error line; the CLI prints its message and exits non-zero.</summary>
    public Task ErrorAsync(string message, CancellationToken cancellationToken) =>
        WriteAsync(new ProgressMessage { ErrorDetail = new ErrorDetail(message), Error = message }, DockerJson.Default.ProgressMessage, cancellationToken);

    /// <summary>Writes the end of one tag's push: <c>tag: digest: sha256:... size: N</c> and the aux record clients read.</summary>
    public async Task DoneAsync(PushResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await StatusAsync($"{result.Tag}: digest: {result.Digest} size: {result.Size}", null, cancellationToken);
        await WriteAsync(new PushAuxMessage(new ProgressDetail(), new PushAux(result.Tag, result.Digest, result.Size)), DockerJson.Default.PushAuxMessage, cancellationToken);
    }

    /// <summary>Writes a line for every layer whose state or byte count changed since the last call.</summary>
    public async Task LayersAsync(IReadOnlyList<PushLayerProgress> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers)
        {
            var id = PullProgressWriter.ShortId(layer.DiffId);
            if (!shown.TryGetValue(layer.Digest, out var last))
            {
                last = (PushLayerState.Preparing, -1);
                await StatusAsync("Preparing", id, cancellationToken, new ProgressDetail());
            }

            if (last.State == layer.State && last.Bytes == layer.Bytes)
            {
                continue;
            }

            shown[layer.Digest] = (layer.State, layer.Bytes);
            var line = layer.State switch
            {
                PushLayerState.Waiting => "Waiting",
                PushLayerState.Pushed => "Pushed",
                PushLayerState.AlreadyExists => "Layer already exists",
                PushLayerState.Mounted => $"Mounted from {layer.MountedFrom}",
                _ => null,
            };
            if (layer.State == PushLayerState.Pushing && layer.Bytes > 0)
            {
                await StatusAsync("Pushing", id, cancellationToken,
                    new ProgressDetail { Current = layer.Bytes, Total = layer.Size }, PullProgressWriter.Bar(layer.Bytes, layer.Size));
            }
            else if (line is not null && last.State != layer.State)
            {
                await StatusAsync(line, id, cancellationToken, new ProgressDetail());
            }
        }
    }

    private async Task WriteAsync<T>(T message, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        Started = true;
        await JsonSerializer.SerializeAsync(output, message, type, cancellationToken);
        await output.WriteAsync(NewLine, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }
}

/// <summary>The last line of a tag's push: <c>{"progressDetail":{},"aux":{"Tag","Digest","Size"}}</c>.</summary>
public sealed record PushAuxMessage(
    [property: JsonPropertyName("progressDetail")] ProgressDetail ProgressDetail,
    [property: JsonPropertyName("aux")] PushAux Aux);

/// <summary>What one tag's push stored, as dockerd's <c>PushResult</c>.</summary>
public sealed record PushAux(string Tag, string Digest, long Size);
