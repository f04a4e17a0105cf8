using System.Text;
using ScottPlot;

namespace Minato.Bench.Cri.Report;

/// <summary>One PNG per latency row: the cumulative distribution of each runtime's samples (x: latency, y: fraction of
/// calls at or under it), which shows median, tail and spread at once and stays readable with few samples.</summary>
internal static class PlotReport
{
    /// <summary>Writes the plots into <paramref name="directory"/>; returns title to file.</summary>
    public static IReadOnlyDictionary<string, string> Write(BenchResults results, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new Dictionary<string, string>();
        foreach (var row in results.Rows.Where(r => r.Kind == RowKind.Latency))
        {
            var series = results.Runtimes.Select(r => (Runtime: r, Cell: row.Cells.GetValueOrDefault(r)))
                .Where(x => x.Cell is { Samples.Count: > 1 }).ToList();
            if (series.Count == 0)
            {
                continue;
            }

            var plot = new Plot();
            foreach (var (runtime, cell) in series)
            {
                var xs = cell!.Samples.Order().ToArray();
                var ys = xs.Select((_, i) => (i + 1) / (double)xs.Length).ToArray();
                var line = plot.Add.ScatterLine(xs, ys);
                line.ConnectStyle = ConnectStyle.StepHorizontal;
                line.LegendText = $"{runtime} (p50 {cell.Summary!.P50:F2} {row.Unit}, n={xs.Length})";
                line.LineWidth = 2;
            }

            var title = $"{row.Workload}: {row.Name}";
            plot.Title(title);
            plot.Axes.Bottom.Label.Text = $"latency ({row.Unit})";
            plot.Axes.Left.Label.Text = "fraction of calls ≤ x";
            plot.Axes.SetLimitsY(0, 1.02);
            plot.ShowLegend(Alignment.LowerRight);
            var path = Path.Combine(directory, Slug(row.Id) + ".png");
            plot.SavePng(path, 800, 450);
            files[title] = path;
        }

        return files;
    }

    private static string Slug(string text)
    {
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        return string.Join('-', slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
    }
}
