namespace Minato.Bench.Soak;

/// <summary>What a soak measured: the samples, each kind's cycles, and the problems found (none means flat).</summary>
internal sealed record SoakResult(
    SoakOptions Options,
    DaemonSample Before,
    DaemonSample After,
    IReadOnlyList<DaemonSample> Samples,
    IReadOnlyDictionary<string, KindResult> Kinds,
    IReadOnlyList<string> Problems,
    TimeSpan SoakTime,
    TimeSpan SettleTime)
{
    public DateTimeOffset Started { get; init; }

    public TimeSpan Duration { get; init; }

    public string RuntimeVersion { get; init; } = string.Empty;

    public string Host { get; } = Environment.MachineName;

    public string Kernel { get; } = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();

    public int Cores { get; } = Environment.ProcessorCount;
}
