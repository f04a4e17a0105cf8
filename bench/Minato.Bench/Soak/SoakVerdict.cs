namespace Minato.Bench.Soak;

/// <summary>Decides whether the daemon stayed flat: growth from before to after within <see cref="SoakLimits"/>, and no
/// failed cycle.</summary>
internal static class SoakVerdict
{
    /// <summary>Each resource that grew beyond its limit, as a sentence.</summary>
    public static List<string> Growth(DaemonSample before, DaemonSample after, SoakLimits limits)
    {
        var problems = new List<string>();
        Check(problems, "open descriptors", before.Descriptors, after.Descriptors, limits.Descriptors);
        Check(problems, "threads", before.Threads, after.Threads, limits.Threads);
        Check(problems, "child processes of the daemon", before.Children, after.Children, limits.Processes);
        Check(problems, "conmon processes", before.Conmon, after.Conmon, limits.Processes);
        Check(problems, "runc processes", before.Runc, after.Runc, limits.Processes);
        Check(problems, "processes of the run", before.Processes, after.Processes, limits.Processes);
        if (after.RssBytes > before.RssBytes * (1 + limits.RssGrowth))
        {
            problems.Add($"RSS grew from {before.RssMiB:F1} MiB to {after.RssMiB:F1} MiB (limit +{limits.RssGrowth:P0})");
        }

        return problems;
    }

    /// <summary>Growth problems plus failed cycles of the warm-up or the soak.</summary>
    public static List<string> Judge(DaemonSample before, DaemonSample after, SoakLimits limits,
        IReadOnlyDictionary<string, KindResult> kinds, IReadOnlyDictionary<string, KindResult> warmUp)
    {
        var problems = Growth(before, after, limits);
        foreach (var (phase, results) in new[] { ("warm-up", warmUp), ("soak", kinds) })
        {
            foreach (var (kind, result) in results.Where(r => r.Value.Failed > 0))
            {
                problems.Add($"{result.Failed} {kind} cycles of the {phase} failed, first: {result.Errors[0]}");
            }
        }

        return problems;
    }

    private static void Check(List<string> problems, string what, int before, int after, int limit)
    {
        if (after > before + limit)
        {
            problems.Add($"{what}: {before} before, {after} after (limit +{limit})");
        }
    }
}
