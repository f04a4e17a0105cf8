using System.CommandLine;
using Minato.Bench.Cri.Hosting;

namespace Minato.Bench.Cri;

/// <summary><c>minato-bench run</c>: the CRI benchmarks, side by side on the same machine in the same run.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Smoke run: every workload, a few iterations, small images" };
        var runtimes = new Option<string>("--runtimes") { Description = "Runtimes in report order; the ratio is the first over the second", DefaultValueFactory = _ => "minato,containerd" };
        var output = new Option<string>("--out") { Description = "Results directory (report.md, report.json, plots/)", DefaultValueFactory = _ => Path.Combine("minato-bench-results", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)) };
        var latest = new Option<string?>("--latest") { Description = "Also write the Markdown report to this file (plot links made relative to it)" };
        var endpoint = new Option<string?>("--endpoint") { Description = "CRI endpoint of the first runtime (unix:///run/minato/minato.sock); no daemon is started for it" };
        var compare = new Option<string?>("--compare-endpoint") { Description = "CRI endpoint of the second runtime; no daemon is started for it" };
        var minato = new Option<string>("--minato") { Description = "The minato executable to start", DefaultValueFactory = _ => MinatoHost.DefaultExecutable };
        var containerd = new Option<string>("--containerd") { Description = "The containerd executable to start", DefaultValueFactory = _ => ContainerdHost.DefaultExecutable };
        var seed = new Option<int?>("--seed") { Description = "Seed of the A/B interleaving (random when absent; the report records it)" };
        var workloads = new Option<string?>("--workloads") { Description = "Only these workloads: cri,memory,pod,container,e2e,list,pull" };
        var timeout = new Option<int?>("--timeout-minutes") { Description = "Give up (and clean up) after this long (default 25, quick 3)" };
        var keep = new Option<bool>("--keep") { Description = "Keep the temp dir with the daemons' configs and logs (printed at the end)" };
        var command = new Command("run", "Run the CRI benchmarks against Minato and containerd (or any CRI endpoints)")
        {
            quick, runtimes, output, latest, endpoint, compare, minato, containerd, seed, workloads, timeout, keep,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var isQuick = parse.GetValue(quick);
            var options = new BenchOptions
            {
                Quick = isQuick,
                Runtimes = Split(parse.GetValue(runtimes)),
                OutputDirectory = Path.GetFullPath(parse.GetValue(output)!),
                LatestFile = parse.GetValue(latest) is { } l ? Path.GetFullPath(l) : null,
                Endpoint = parse.GetValue(endpoint),
                CompareEndpoint = parse.GetValue(compare),
                MinatoExecutable = parse.GetValue(minato)!,
                ContainerdExecutable = parse.GetValue(containerd)!,
                Seed = parse.GetValue(seed) ?? Random.Shared.Next(1, 1_000_000),
                Workloads = Split(parse.GetValue(workloads)).ToHashSet(StringComparer.Ordinal),
                KeepWorkDirectory = parse.GetValue(keep),
                Timeout = TimeSpan.FromMinutes(parse.GetValue(timeout) ?? (isQuick ? 3 : 25)),
            };
            if (options.Runtimes.Count is 0 or > 2)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync("--runtimes takes one or two names");
                return 2;
            }

            return await BenchSession.RunAsync(options, parse.InvocationConfiguration.Error, cancellationToken);
        });
        return command;
    }

    private static List<string> Split(string? list) =>
        [.. (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
