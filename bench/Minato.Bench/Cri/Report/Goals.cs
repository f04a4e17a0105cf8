using Minato.Bench.Cri.Workloads;

namespace Minato.Bench.Cri.Report;

/// <summary>A performance goal: the ratio (first runtime / second, same run) a row must stay at or under.</summary>
internal sealed record Goal(string Title, Func<Row, bool> Matches, double MaxRatio);

/// <summary>The goals the project set itself against containerd, and their verdicts for a run.</summary>
internal static class Goals
{
    public static IReadOnlyList<Goal> All { get; } =
    [
        new("Pod start (RunPodSandbox)", r => r.Id == PodLifecycleWorkload.Run.Workload + "/" + PodLifecycleWorkload.Run.Name, 0.5),
        new("Container create+start", r => r.Id == ContainerLifecycleWorkload.CreateStart.Workload + "/" + ContainerLifecycleWorkload.CreateStart.Name, 0.7),
        new("Pod + container", r => r.Id == EndToEndWorkload.Sequential.Workload + "/" + EndToEndWorkload.Sequential.Name, 0.5),
        new("Per-pod memory", r => r.Id == MemoryWorkload.PerPodWithContainer.Workload + "/" + MemoryWorkload.PerPodWithContainer.Name, 0.2),
        new("Cold pull (gzip)", r => r.Id == PullWorkload.Gzip.Workload + "/" + PullWorkload.Gzip.Name, 0.7),
        new("ListContainerStats", r => r.Workload == "list" && r.Name.StartsWith("ListContainerStats", StringComparison.Ordinal), 0.5),
    ];

    /// <summary>The ratio of the first runtime's headline to the second's, when both have one.</summary>
    public static double? Ratio(Row row, IReadOnlyList<string> runtimes)
    {
        if (runtimes.Count < 2 || !row.Cells.TryGetValue(runtimes[0], out var a) || !row.Cells.TryGetValue(runtimes[1], out var b))
        {
            return null;
        }

        return a.Headline is { } x && b.Headline is { } y && y > 0 ? x / y : null;
    }

    /// <summary>One line per goal: met, missed, or why it could not be judged.</summary>
    public static IEnumerable<(Goal Goal, double? Ratio, string Verdict)> Judge(BenchResults results)
    {
        foreach (var goal in All)
        {
            var row = results.Rows.FirstOrDefault(goal.Matches);
            if (row is null)
            {
                yield return (goal, null, "not measured in this run");
                continue;
            }

            var ratio = Ratio(row, results.Runtimes);
            var missing = results.Runtimes.Select(r => (r, row.Cells.GetValueOrDefault(r))).FirstOrDefault(x => x.Item2?.Headline is null);
            yield return ratio switch
            {
                null when missing.Item2?.NotSupported is not null => (goal, null, $"not judged: {missing.r} does not support it yet"),
                null when results.Runtimes.Count < 2 => (goal, null, "not judged: one runtime only"),
                null => (goal, null, $"not judged: {missing.r} has no result"),
                { } x when x <= goal.MaxRatio => (goal, x, "met"),
                { } x => (goal, x, $"missed: {results.Runtimes[0]} is behind ({x:F2}, goal ≤ {goal.MaxRatio:F2})"),
            };
        }
    }
}
