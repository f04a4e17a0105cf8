using System.CommandLine;
using Minato.Testing;

namespace Minato.Bench.Pull;

/// <summary>
/// <c>minato-bench pull [--runs N] [--megabytes M] [--layers L]</c>: a generated multi-layer image (busybox plus L layers,
/// M MiB uncompressed) pushed to a local docker-registry, pulled cold N times by a fresh Minato daemon.
/// </summary>
internal static class PullBenchmark
{
    public static Command CreateCommand()
    {
        var runs = new Option<int>("--runs") { Description = "Cold pulls to time.", DefaultValueFactory = _ => 3 };
        var megabytes = new Option<int>("--megabytes") { Description = "Uncompressed size of the image.", DefaultValueFactory = _ => 200 };
        var layers = new Option<int>("--layers") { Description = "Generated layers on top of busybox.", DefaultValueFactory = _ => 6 };
        var command = new Command("pull", "Time cold image pulls from a local registry.") { runs, megabytes, layers };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await RunAsync(parse.GetValue(runs), parse.GetValue(megabytes), parse.GetValue(layers), parse.InvocationConfiguration.Output, cancellationToken);
            return 0;
        });
        return command;
    }

    private static async Task RunAsync(int runs, int megabytes, int layers, TextWriter output, CancellationToken cancellationToken)
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Large((long)megabytes << 20, layers), cancellationToken);
        await using var registry = await RegistryFixture.StartAsync(cancellationToken: cancellationToken);
        var pushed = await registry.PushAsync(image, "bench/large:v1", cancellationToken);
        var compressed = image.Manifest().Layers.Sum(l => l.Size);
        output.WriteLine($"image: {pushed.Reference}, {image.Manifest().Layers.Count} layers, {compressed / 1e6:F1} MB compressed, ~{megabytes} MiB uncompressed");
        await using var daemon = await MinatoDaemon.StartAsync();
        var workload = new PullWorkload(daemon.Images, pushed.Reference);
        var results = new List<PullMeasurement>();
        for (var i = 1; i <= runs; i++)
        {
            var result = await workload.RunColdAsync(daemon.ProcessId, cancellationToken);
            results.Add(result);
            output.WriteLine($"minato  run {i}: {result}");
        }

        var best = results.MinBy(r => r.Wall)!;
        output.WriteLine($"minato  best: {best}  ({compressed / 1e6 / best.Wall.TotalSeconds:F0} MB/s compressed)");
    }
}
