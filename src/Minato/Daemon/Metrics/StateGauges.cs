using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Images.Store;
using Prometheus;

namespace Minato.Daemon.Metrics;

/// <summary>Gauges read from the engine's state when Prometheus scrapes, never kept up to date by hand.</summary>
/// <remarks>
/// Counting records on each scrape cannot drift from the truth the way increments and decrements at every state change
/// can. The content store's size walks a directory, so it (with the database's size) is cached for <see cref="DiskCacheFor"/>.
/// </remarks>
internal sealed class StateGauges
{
    /// <summary>How long the figures that read the disk are reused between scrapes.</summary>
    public static readonly TimeSpan DiskCacheFor = TimeSpan.FromSeconds(30);

    private readonly Gauge _containers;
    private readonly Gauge _pods;
    private readonly Gauge _conmon;
    private readonly Gauge _contentBytes;
    private readonly Gauge _snapshotBytes;
    private readonly Gauge _databaseBytes;
    private readonly ContainerService _containerService;
    private readonly SandboxStore _sandboxes;
    private readonly ImageStore _images;
    private readonly string _databasePath;
    private readonly TimeProvider _time;
    private DateTimeOffset _diskReadAt = DateTimeOffset.MinValue;

    public StateGauges(CollectorRegistry registry, ContainerService containers, SandboxStore sandboxes, ImageStore images, string databasePath, TimeProvider time)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _containers = factory.CreateGauge("minato_containers", "Containers by owner (cri, docker) and state.", "owner", "state");
        _pods = factory.CreateGauge("minato_pods", "CRI pod sandboxes by state.", "state");
        _conmon = factory.CreateGauge("minato_conmon_processes", "Conmon monitor processes: one per created or running container.");
        _contentBytes = factory.CreateGauge("minato_content_store_bytes", "Bytes of the blobs in the content store.");
        _snapshotBytes = factory.CreateGauge("minato_snapshot_bytes", "Bytes of the unpacked image layer snapshots.");
        _databaseBytes = factory.CreateGauge("minato_database_bytes", "Size of the metadata database file (with its write-ahead log).");
        _containerService = containers;
        _sandboxes = sandboxes;
        _images = images;
        _databasePath = databasePath;
        _time = time;
        registry.AddBeforeCollectCallback(Update);
    }

    /// <summary>Sets every gauge from the current state.</summary>
    public void Update()
    {
        var containers = _containerService.List();
        foreach (var owner in containers.Select(c => c.Owner).Append("cri").Distinct(StringComparer.Ordinal))
        {
            foreach (var phase in Enum.GetValues<ContainerPhase>())
            {
                _containers.WithLabels(owner, phase.ToString().ToLowerInvariant())
                    .Set(containers.Count(c => c.Owner == owner && c.Phase == phase));
            }
        }

        var pods = _sandboxes.All;
        foreach (var phase in Enum.GetValues<SandboxPhase>())
        {
            _pods.WithLabels(phase.ToString().ToLowerInvariant()).Set(pods.Count(p => p.Phase == phase));
        }

        _conmon.Set(containers.Count(c => c.IsLive));
        _snapshotBytes.Set(_images.SnapshotUsage().Bytes);
        var now = _time.GetUtcNow();
        if (now - _diskReadAt >= DiskCacheFor)
        {
            _diskReadAt = now;
            _contentBytes.Set(_images.Content.BytesUsed());
            _databaseBytes.Set(new[] { _databasePath, _databasePath + "-wal" }.Select(p => new FileInfo(p)).Where(f => f.Exists).Sum(f => f.Length));
        }
    }
}
