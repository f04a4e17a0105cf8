using Grpc.Core;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;
using Minato.Cri.Api;

namespace Minato.Bench.Cri.Workloads;

/// <summary>Cold pulls of a generated multi-layer image from the local registry, gzip and zstd: the image is removed
/// before every pull, so its generated layers are fetched, decompressed and unpacked again each time (the busybox base
/// layer, shared with the images the pods use, stays).</summary>
internal sealed class PullWorkload : IWorkload
{
    public static readonly RowSpec Gzip = new("pull", "cold pull, gzip", RowKind.Latency, "ms");
    private static readonly RowSpec Zstd = new("pull", "cold pull, zstd", RowKind.Latency, "ms");

    public string Name => "pull";

    public async Task RunAsync(WorkloadContext context, CancellationToken cancellationToken)
    {
        var counts = context.Counts;
        await Interleaved.RunAsync(context, [Gzip], counts.PullWarmup, counts.PullCount, r => new PullTrial(r, context.Images.PullGzip, Gzip), cancellationToken);
        await Interleaved.RunAsync(context, [Zstd], counts.PullWarmup, counts.PullCount, r => new PullTrial(r, context.Images.PullZstd, Zstd), cancellationToken);
    }

    private sealed class PullTrial(BenchRuntime runtime, string image, RowSpec row) : Trial(runtime)
    {
        public override Task SetupAsync(CancellationToken cancellationToken) => RemoveAsync(cancellationToken);

        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var ms = await PodSpecs.TimeAsync(async () => await Runtime.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } },
                deadline: PodSpecs.Deadline(TimeSpan.FromMinutes(5)), cancellationToken: cancellationToken));
            await RemoveAsync(cancellationToken);
            return [new Timing(row, ms)];
        }

        public override async Task TeardownAsync(CancellationToken cancellationToken)
        {
            await RemoveAsync(cancellationToken);
        }

        private async Task RemoveAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Runtime.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = image } },
                    deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                // CRI: RemoveImage of an absent image succeeds; a runtime that says NotFound means the same.
            }
        }
    }
}
