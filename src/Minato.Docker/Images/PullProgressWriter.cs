using System.Globalization;
using System.Text.Json;
using Minato.Docker.Http;
using Minato.Engine.Images.Pull;

namespace Minato.Docker.Images;

/// <summary>
/// Turns the engine's pull progress into dockerd's JSON lines, one per change: "Pulling fs layer", "Downloading" with
/// bytes, "Verifying Checksum", "Download complete", "Pull complete" or "Already exists", keyed by the layer's short id.
/// </summary>
public sealed class PullProgressWriter(Stream output)
{
    private static readonly byte[] NewLine = "\r\n"u8.ToArray();
    private readonly Dictionary<string, (LayerState State, long Bytes)> shown = new(StringComparer.Ordinal);

    /// <summary>True once a line was written; an error after that goes in-band.</summary>
    public bool Started { get; private set; }

    /// <summary>The 12-character id dockerd shows for a layer blob.</summary>
    public static string ShortId(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        var hex = colon < 0 ? digest : digest[(colon + 1)..];
        return hex.Length > 12 ? hex[..12] : hex;
    }

    /// <summary>dockerd's text bar: <c>[=====&gt;     ]  1.2MB/3.4MB</c> (50 columns).</summary>
    public static string Bar(long current, long total)
    {
        if (total <= 0)
        {
            return HumanSize(current);
        }

        var filled = (int)Math.Clamp(50 * current / total, 0, 49);
        return $"[{new string('=', filled)}>{new string(' ', 49 - filled)}] {HumanSize(current),8}/{HumanSize(total)}";
    }

    /// <summary>Decimal units with four significant digits, as Docker's go-units HumanSize (<c>1.234kB</c>, <c>5MB</c>).</summary>
    public static string HumanSize(long bytes)
    {
        string[] units = ["B", "kB", "MB", "GB", "TB", "PB"];
        double size = bytes;
        var unit = 0;
        while (size >= 1000 && unit < units.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        return size.ToString("G4", CultureInfo.InvariantCulture) + units[unit];
    }

    /// <summary>Writes a status line.</summary>
    public Task StatusAsync(string status, string? id, CancellationToken cancellationToken, ProgressDetail? detail = null, string? progress = null) =>
        WriteAsync(new ProgressMessage { Status = status, Id = id, ProgressDetail = detail, Progress = progress }, cancellationToken);

    /// <summary>Writes an error line; the CLI prints its message and exits non-zero.</summary>
    public Task ErrorAsync(string message, CancellationToken cancellationToken) =>
        WriteAsync(new ProgressMessage { ErrorDetail = new ErrorDetail(message), Error = message }, cancellationToken);

    /// <summary>Writes a line for every layer whose state or byte count changed since the last call.</summary>
    public async Task LayersAsync(IReadOnlyList<LayerProgress> layers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var layer in layers)
        {
            var id = ShortId(layer.Digest);
            if (!shown.TryGetValue(layer.Digest, out var last))
            {
                last = (LayerState.Waiting, -1);
                if (layer.State != LayerState.AlreadyExists)
                {
                    await StatusAsync("Pulling fs layer", id, cancellationToken, new ProgressDetail());
                }
            }

            if (last.State == layer.State && last.Bytes == layer.Bytes)
            {
                continue;
            }

            shown[layer.Digest] = (layer.State, layer.Bytes);
            switch (layer.State)
            {
                case LayerState.AlreadyExists:
                    await StatusAsync("Already exists", id, cancellationToken, new ProgressDetail());
                    break;
                case LayerState.Downloading when layer.Bytes > 0:
                    await StatusAsync("Downloading", id, cancellationToken,
                        new ProgressDetail { Current = layer.Bytes, Total = layer.Size }, Bar(layer.Bytes, layer.Size));
                    break;
                case LayerState.Verifying when last.State != LayerState.Verifying:
                    await StatusAsync("Verifying Checksum", id, cancellationToken, new ProgressDetail());
                    await StatusAsync("Download complete", id, cancellationToken, new ProgressDetail());
                    break;
                case LayerState.Done when last.State != LayerState.Done:
                    if (last.State != LayerState.Verifying)
                    {
                        await StatusAsync("Download complete", id, cancellationToken, new ProgressDetail());
                    }

                    await StatusAsync("Pull complete", id, cancellationToken, new ProgressDetail());
                    break;
                default:
                    break;
            }
        }
    }

    private async Task WriteAsync(ProgressMessage message, CancellationToken cancellationToken)
    {
        Started = true;
        await JsonSerializer.SerializeAsync(output, message, DockerJson.Default.ProgressMessage, cancellationToken);
        await output.WriteAsync(NewLine, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }
}
