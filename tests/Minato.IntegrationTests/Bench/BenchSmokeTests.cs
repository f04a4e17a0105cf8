using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Bench;

/// <summary>The benchmark tool runs end to end against a real Minato in quick mode and writes its reports. The numbers
/// are not checked: the bench is not part of pass/fail, only its ability to run is; the streaming soak's verdict is, since
/// it counts leaks rather than timing anything.</summary>
public sealed class BenchSmokeTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("minato-bench-smoke-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task Run_QuickMinatoOnly_WritesReportsWithVersionAndPodRows()
    {
        var result = await CommandResult.RunAsync(BenchExecutable(),
            ["run", "--quick", "--runtimes", "minato", "--out", _out, "--timeout-minutes", "1", "--seed", "1"], TimeSpan.FromSeconds(75));

        Assert.True(result.ExitCode == 0, result.ToString());
        var markdown = await File.ReadAllTextAsync(Path.Combine(_out, "report.md"));
        Assert.Contains("| cri | Version |", markdown, StringComparison.Ordinal);
        Assert.Contains("| pod | RunPodSandbox |", markdown, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "report.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        var version = Assert.Single(rows, r => r.GetProperty("workload").GetString() == "cri" && r.GetProperty("name").GetString() == "Version");
        Assert.True(version.GetProperty("results").GetProperty("minato").GetProperty("p50").GetDouble() > 0, version.ToString());
        var pod = Assert.Single(rows, r => r.GetProperty("workload").GetString() == "pod" && r.GetProperty("name").GetString() == "RunPodSandbox");
        Assert.True(pod.GetProperty("results").GetProperty("minato").TryGetProperty("p50", out _), pod.ToString());
    }

    [Fact]
    public async Task StreamingSoak_Quick_StaysFlatAndWritesReports()
    {
        var result = await CommandResult.RunAsync(BenchExecutable(), ["streaming-soak", "--quick", "--out", _out], TimeSpan.FromSeconds(150));

        Assert.True(result.ExitCode == 0, result.ToString());
        var markdown = await File.ReadAllTextAsync(Path.Combine(_out, "streaming-soak.md"));
        Assert.Contains("**Verdict: flat.**", markdown, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_out, "streaming-soak.json")));
        Assert.True(json.RootElement.GetProperty("flat").GetBoolean(), json.RootElement.ToString());
        foreach (var kind in new[] { "exec", "attach", "port-forward" })
        {
            var cycles = json.RootElement.GetProperty("kinds").GetProperty(kind);
            Assert.Equal(50, cycles.GetProperty("ok").GetInt32());
            Assert.True(cycles.GetProperty("p50").GetDouble() > 0, cycles.ToString());
        }
    }

    /// <summary>The bench built alongside these tests (same configuration), found from the repository root.</summary>
    private static string BenchExecutable()
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = baseDirectory.Parent!.Name;
        var root = baseDirectory;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Minato.slnx")))
        {
            root = root.Parent;
        }

        Assert.True(root is not null, $"no Minato.slnx above {AppContext.BaseDirectory}");
        var framework = baseDirectory.Name;
        var path = Path.Combine(root!.FullName, "bench", "Minato.Bench", "bin", configuration, framework, "minato-bench");
        Assert.True(File.Exists(path), $"{path} is missing: build the solution (dotnet build Minato.slnx -c {configuration}) first");
        return path;
    }
}
