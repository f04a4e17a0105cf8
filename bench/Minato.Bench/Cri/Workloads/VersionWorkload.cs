using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Report;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Cri.Workloads;

/// <summary>CRI <c>Version</c> round trips: the floor of the API path (connection, HTTP/2, protobuf, dispatch).</summary>
internal sealed class VersionWorkload : IWorkload
{
    private static readonly RowSpec Row = new("cri", "Version", RowKind.Latency, "ms");

    public string Name => "cri";

    public Task RunAsync(WorkloadContext context, CancellationToken cancellationToken) =>
        Interleaved.RunAsync(context, [Row], context.Counts.VersionWarmup, context.Counts.VersionCount, r => new VersionTrial(r), cancellationToken);

    private sealed class VersionTrial(BenchRuntime runtime) : Trial(runtime)
    {
        public override async Task<IReadOnlyList<Timing>> RunOnceAsync(int iteration, CancellationToken cancellationToken)
        {
            var ms = await PodSpecs.TimeAsync(async () => await Runtime.Runtime.VersionAsync(new VersionRequest { Version = "v1" },
                deadline: PodSpecs.Deadline(), cancellationToken: cancellationToken));
            return [new Timing(Row, ms)];
        }
    }
}
