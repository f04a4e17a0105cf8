namespace Minato.Bench.Cri.Report;

/// <summary>Writes a run's results directory: <c>report.md</c>, <c>report.json</c>, <c>plots/*.png</c>.</summary>
internal static class ReportWriter
{
    public const string MarkdownFile = "report.md";
    public const string JsonFile = "report.json";

    public static void Write(BenchResults results, string directory, string? latestFile)
    {
        Directory.CreateDirectory(directory);
        IReadOnlyDictionary<string, string> plots;
        try
        {
            plots = PlotReport.Write(results, Path.Combine(directory, "plots"));
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or IOException)
        {
            // Plots are a convenience; a machine without the native graphics library still gets the tables.
            results.Note($"PNG plots could not be rendered: {e.Message}");
            plots = new Dictionary<string, string>();
        }

        JsonReport.Write(results, Path.Combine(directory, JsonFile));
        File.WriteAllText(Path.Combine(directory, MarkdownFile), MarkdownReport.Render(results, plots, directory));
        if (latestFile is not null)
        {
            var latestDirectory = Path.GetDirectoryName(Path.GetFullPath(latestFile))!;
            Directory.CreateDirectory(latestDirectory);
            File.WriteAllText(latestFile, MarkdownReport.Render(results, plots, latestDirectory));
        }
    }
}
