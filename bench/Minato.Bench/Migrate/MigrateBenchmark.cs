using System.CommandLine;
using System.Diagnostics;
using Minato.Migrate;

namespace Minato.Bench.Migrate;

/// <summary>
/// <c>minato-bench migrate [--pods N]</c>: generates a cluster dump of N pods (JSON List and YAML List) in a
/// temporary directory and times <see cref="MigrationAnalyzer"/> on each: wall time, bytes allocated, and
/// the peak managed heap (sampled), which shows that memory stays flat as the dump grows.
/// </summary>
internal static class MigrateBenchmark
{
    public static Command CreateCommand()
    {
        var pods = new Option<int>("--pods") { Description = "Pods in the generated cluster.", DefaultValueFactory = _ => 10_000 };
        var command = new Command("migrate", "Time `minato migrate` on a generated cluster dump.") { pods };
        command.SetAction((parseResult, cancellationToken) =>
        {
            Run(parseResult.GetValue(pods), parseResult.InvocationConfiguration.Output, cancellationToken);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Run(int pods, TextWriter output, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("minato-bench-migrate-");
        try
        {
            var generator = new ClusterDumpGenerator(pods);
            var json = Write(directory, "cluster.json", generator.WriteJson);
            var yaml = Write(directory, "cluster.yaml", generator.WriteYaml);
            output.WriteLine($"cluster: {pods:N0} pods, {generator.Nodes:N0} nodes");
            foreach (var (name, path) in new[] { ("json", json), ("yaml", yaml) })
            {
                var size = new FileInfo(path).Length;
                var cold = Measure(path, cancellationToken);
                var warm = Measure(path, cancellationToken);
                output.WriteLine($"{name,-5} {size / 1e6,7:F1} MB  cold {cold}");
                output.WriteLine($"{"",-5} {"",7}     warm {warm}");
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static string Write(DirectoryInfo directory, string name, Action<TextWriter> write)
    {
        var path = Path.Combine(directory.FullName, name);
        using var file = new StreamWriter(path);
        write(file);
        return path;
    }

    private static Measurement Measure(string path, CancellationToken cancellationToken)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        using var sampler = new HeapSampler();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var report = new MigrationAnalyzer().Analyze([InputSource.FromFile(path)], cancellationToken);
        stopwatch.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new Measurement(stopwatch.Elapsed, allocated, sampler.Peak - baseline, report.Input.Objects, report.Findings.Count);
    }

    /// <summary>One timed analysis.</summary>
    private sealed record Measurement(TimeSpan Wall, long Allocated, long PeakHeapGrowth, int Objects, int Findings)
    {
        public override string ToString() =>
            $"{Wall.TotalMilliseconds,7:F0} ms  {Objects / Wall.TotalSeconds,9:N0} objects/s  allocated {Allocated / 1e6,7:F1} MB  " +
            $"peak heap +{PeakHeapGrowth / 1e6,5:F1} MB  ({Objects:N0} objects, {Findings:N0} findings)";
    }

    /// <summary>Samples the managed heap size every millisecond on a background thread and keeps the peak.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _peak;

        public HeapSampler()
        {
            _thread = new Thread(Sample) { IsBackground = true, Name = "heap sampler" };
            _thread.Start();
        }

        public long Peak => Math.Max(Interlocked.Read(ref _peak), GC.GetTotalMemory(forceFullCollection: false));

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }

        private void Sample()
        {
            while (!_stop)
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                if (now > Interlocked.Read(ref _peak))
                {
                    Interlocked.Exchange(ref _peak, now);
                }

                Thread.Sleep(1);
            }
        }
    }
}
