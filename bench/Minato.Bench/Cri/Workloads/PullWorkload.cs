using Grpc.Core;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Workloads;

/// <summary>Cold pulls of a generated multi-layer image from the local registry, gzip and zstd: the image is removed
/// before every pull, so its generated layers are fetched, decompressed and unpacked again each time (the busybox base
/// layer, shared with the images the pods use, stays).</summary>
internal sealed class PullWorkload : IWorkload
{
    public static readonly RowSpec Gzip = new("pull", "cold pull, gzip", RowKind.Latency, "ms");
    private static readonly RowSpec GzipCpu = new("pull", "cold pull, gzip: daemon CPU", RowKind.Total, "ms");
    private static readonly RowSpec Zstd = new("pull", "cold pull, zstd", RowKind.Latency, "ms");
    private static readonly RowSpec ZstdCpu = new("pull", "cold pull, zstd: daemon CPU", RowKind.Total, "ms");

    public string Name => "pull";

    public async Task RunAsync(WorkloadContext context, CancellationToken cancellationToken)
    {
        var counts = context.Counts;
        await Interleaved.RunAsync(context, [Gzip, GzipCpu], counts.PullWarmup, counts.PullCount,
            r => new PullTrial(r, context.Images, context.Images.PullGzip, Gzip, GzipCpu), cancellationToken);
        await Interleaved.RunAsync(context, [Zstd, ZstdCpu], counts.PullWarmup, counts.PullCount,
            r => new PullTrial(r, context.Images, context.Images.PullZstd, Zstd, ZstdCpu), cancellationToken);
    }

    /// <summary>Pulls and removes one image; besides wall time it charges the daemon's CPU time (decompression, digests,
    /// unpacking all happen in the daemon for both runtimes), which is what a busy node feels.</summary>
    private sealed class PullTrial(BenchRuntime runtime, BenchImages images, string image, RowSpec row, RowSpec cpuRow) : Trial(runtime)
    {
        private int _daemonPid;

        public override async Task SetupAsync(CancellationToken cancellationToken)
        {
            _daemonPid = Runtime.DaemonPid;
            await RemoveAsync(cancellationToken);
        }

        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var fetched = images.BlobFetches(image);
            var cpu = Pull.PullWorkload.CpuTime(_daemonPid);
            var ms = await PodSpecs.TimeAsync(async () => await Runtime.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } },
                deadline: PodSpecs.Deadline(TimeSpan.FromMinutes(5)), cancellationToken: cancellationToken));
            var cpuMs = (Pull.PullWorkload.CpuTime(_daemonPid) - cpu).TotalMilliseconds;
            await RemoveAsync(cancellationToken);

            // Every generated layer must come over the wire again; the busybox base layer may stay (other images share it).
            fetched = images.BlobFetches(image) - fetched;
            if (fetched < images.PullLayers)
            {
                throw new InvalidOperationException($"not a cold pull: only {fetched} blobs were fetched for {images.PullLayers} generated layers, so RemoveImage kept layers");
            }

            return [new Timing(row, ms), new Timing(cpuRow, cpuMs)];
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
