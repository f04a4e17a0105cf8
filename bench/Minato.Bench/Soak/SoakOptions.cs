namespace Minato.Bench.Soak;

/// <summary>What <c>minato-bench streaming-soak</c> was asked to do.</summary>
internal sealed record SoakOptions
{
    /// <summary>Measured cycles of each kind (exec, attach, port-forward).</summary>
    public int Cycles { get; init; } = 10_000;

    /// <summary>Cycles of each kind before the "before" sample, so lazily created pools, caches and JIT code are not
    /// counted as growth.</summary>
    public int WarmUp { get; init; } = 200;

    /// <summary>Cycles in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Time between periodic samples of the daemon.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the daemon may take after the last cycle to come back within the limits (thread pool threads retire
    /// after about 20 s idle; sessions finish closing).</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(45);

    public bool Quick { get; init; }

    public required string OutputDirectory { get; init; }

    public required string MinatoExecutable { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(90);

    public bool KeepWorkDirectory { get; init; }

    public SoakLimits Limits { get; init; } = new();

    /// <summary>A smoke run: a few cycles, short intervals.</summary>
    public static SoakOptions ForQuick(string outputDirectory, string minatoExecutable) => new()
    {
        Quick = true,
        Cycles = 50,
        WarmUp = 10,
        SampleInterval = TimeSpan.FromSeconds(2),
        Settle = TimeSpan.FromSeconds(25),
        Timeout = TimeSpan.FromMinutes(3),
        OutputDirectory = outputDirectory,
        MinatoExecutable = minatoExecutable,
    };
}

/// <summary>How much the daemon may grow between the sample after the warm-up and the settled sample after the last cycle
/// before the soak calls it a leak. A leak of one descriptor or thread per cycle shows as thousands over a full run.</summary>
internal sealed record SoakLimits
{
    /// <summary>Open descriptors: slack for pooled connections and lazily opened epoll/eventfd descriptors.</summary>
    public int Descriptors { get; init; } = 16;

    /// <summary>Threads: slack for the thread pool, which grows under load and shrinks only slowly.</summary>
    public int Threads { get; init; } = 8;

    /// <summary>Processes of the run (daemon's children, conmon, runc, the containers' processes): none may be left over.</summary>
    public int Processes { get; init; }

    /// <summary>Resident memory, as a fraction of the before value.</summary>
    public double RssGrowth { get; init; } = 0.20;
}
