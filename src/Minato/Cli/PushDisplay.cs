using System.Globalization;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary>Shows push progress: a table redrawn in place on a terminal, or one line per layer state change.</summary>
internal sealed class PushDisplay(TextWriter writer, bool plain)
{
    private readonly Dictionary<string, string> lastStates = new(StringComparer.Ordinal);
    private bool headed;
    private int drawnLines;

    public async Task ShowAsync(PushEvent update)
    {
        if (!headed)
        {
            headed = true;
            await writer.WriteLineAsync($"The push refers to repository [{update.Repository}]");
        }

        if (plain)
        {
            foreach (var layer in update.Layers)
            {
                if (layer.State != "Pushing" && (!lastStates.TryGetValue(layer.Digest, out var state) || state != layer.State))
                {
                    lastStates[layer.Digest] = layer.State;
                    await writer.WriteLineAsync($"{Short(layer.DiffId)}: {Describe(layer)}");
                }
            }

            return;
        }

        var frame = new System.Text.StringBuilder();
        if (drawnLines > 0)
        {
            frame.Append(CultureInfo.InvariantCulture, $"\u001b[{drawnLines}A");
        }

        foreach (var layer in update.Layers)
        {
            var bar = layer.Size <= 0 ? "" : new string('#', (int)(20 * Math.Min(1, (double)layer.Bytes / layer.Size))).PadRight(20, '.');
            var figures = layer.State == "Pushing" ? $" {layer.Bytes}/{layer.Size} [{bar}]" : "";
            frame.Append("\u001b[2K").Append(CultureInfo.InvariantCulture, $"{Short(layer.DiffId)}: {Describe(layer)}{figures}").Append('\n');
        }

        drawnLines = update.Layers.Count;
        await writer.WriteAsync(frame.ToString());
    }

    private static string Describe(PushLayerEvent layer) => layer.State switch
    {
        "AlreadyExists" => "Layer already exists",
        "Mounted" => $"Mounted from {layer.MountedFrom}",
        _ => layer.State,
    };

    private static string Short(string digest) => digest.Length > 19 ? digest[7..19] : digest;
}
