namespace Minato.Bench.Cri.Measure;

/// <summary>Order statistics of one runtime's samples for one row.</summary>
public sealed record Summary(int N, double Mean, double Min, double P50, double P90, double P99, double Max)
{
    public static Summary Of(IReadOnlyCollection<double> samples)
    {
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count);
        var sorted = samples.Order().ToArray();
        return new Summary(sorted.Length, sorted.Average(), sorted[0], Percentile(sorted, 0.50), Percentile(sorted, 0.90),
            Percentile(sorted, 0.99), sorted[^1]);
    }

    /// <summary>Linear interpolation between closest ranks (the usual "type 7"), so small samples give stable values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q)
    {
        var rank = q * (sorted.Count - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }
}
