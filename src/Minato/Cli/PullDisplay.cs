using System.Diagnostics;
using System.Globalization;
using Minato.Api.V1;

namespace Minato.Cli;

/// <summary>Shows pull progress: a live table redrawn in place on a terminal, or one line per layer state change.</summary>
internal sealed class PullDisplay
{
    private readonly TextWriter writer;
    private readonly bool plain;
    private readonly Dictionary<string, string> lastStates = new(StringComparer.Ordinal);
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int drawnLines;

    private PullDisplay(TextWriter writer, bool plain)
    {
        this.writer = writer;
        this.plain = plain;
    }

    public static PullDisplay For(TextWriter writer, bool plain) => new(writer, plain);

    public async Task ShowAsync(PullEvent update)
    {
        if (plain)
        {
            foreach (var layer in update.Layers)
            {
                if (!lastStates.TryGetValue(layer.Digest, out var state) || state != layer.State)
                {
                    lastStates[layer.Digest] = layer.State;
                    await writer.WriteLineAsync($"{Short(layer.Digest)}: {Describe(layer.State)} ({Bytes(layer.Size)})");
                }
            }

            return;
        }

        var lines = update.Layers.Select(Line).ToList();
        var done = update.Layers.Sum(l => l.Bytes);
        var total = update.Layers.Sum(l => l.Size);
        lines.Add($"{"total",-14} {Bytes(done),10} / {Bytes(total),-10} {Rate(done),12}  {update.Phase}");
        var frame = new System.Text.StringBuilder();
        if (drawnLines > 0)
        {
            frame.Append(CultureInfo.InvariantCulture, $"\u001b[{drawnLines}A");
        }

        foreach (var line in lines)
        {
            frame.Append("\u001b[2K").Append(line).Append('\n');
        }

        drawnLines = lines.Count;
        await writer.WriteAsync(frame.ToString());
    }

    public async Task FinishAsync(string image, PullEvent? last)
    {
        var total = last?.Layers.Sum(l => l.Bytes) ?? 0;
        await writer.WriteLineAsync(
            $"Pulled {image}: {last?.ImageId} ({Bytes(total)} downloaded in {clock.Elapsed.TotalSeconds:0.0}s)");
    }

    private string Line(LayerEvent layer)
    {
        // A layer already on disk is complete, though nothing was downloaded for it.
        var have = layer.State == "AlreadyExists" ? layer.Size : layer.Bytes;
        var bar = layer.Size <= 0 ? "" : new string('#', (int)(20 * Math.Min(1, (double)have / layer.Size))).PadRight(20, '.');
        return $"{Short(layer.Digest),-14} {Bytes(have),10} / {Bytes(layer.Size),-10} [{bar}] {Describe(layer.State)}";
    }

    private string Rate(long bytes) => $"{Bytes((long)(bytes / Math.Max(clock.Elapsed.TotalSeconds, 0.001)))}/s";

    private static string Describe(string state) => state switch
    {
        "Downloading" => "downloading+unpacking",
        "Verifying" => "verifying+syncing",
        "AlreadyExists" => "already present",
        _ => state.ToLowerInvariant(),
    };

    private static string Short(string digest) => digest.Length > 19 ? digest[7..19] : digest;

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
