using Minato.Bench.Cri;
using Minato.Bench.Cri.Hosting;
using Minato.Bench.Cri.Workloads;

namespace Minato.Bench.Faults;

/// <summary>What the churn and mixed-load runs share: a work directory, the bench's pod network and local registry, a
/// Minato daemon on them, and the cleanup of all of it whatever happened.</summary>
internal sealed class LoadHost : IAsyncDisposable
{
    private readonly Progress _progress;
    private readonly bool _keep;
    private BenchImages? _images;

    private LoadHost(string work, Progress progress, bool keep)
    {
        Work = work;
        _progress = progress;
        _keep = keep;
    }

    public string Work { get; }

    public string RunId => Path.GetFileName(Work);

    public BenchRuntime Runtime { get; private set; } = null!;

    public string Busybox => _images!.Busybox;

    /// <summary>host-local's allocations of the bench network: one file per address.</summary>
    public string IpamDirectory => Path.Combine(Work, "ipam", "minato-bench");

    public static async Task<LoadHost> StartAsync(string executable, string prefix, Progress progress, bool keep, CancellationToken cancellationToken)
    {
        var host = new LoadHost(Directory.CreateTempSubdirectory(prefix).FullName, progress, keep);
        try
        {
            var network = BenchNetwork.Write(host.Work);
            progress.Phase("starting the local registry");
            host._images = await BenchImages.StartAsync(BenchCounts.Quick.PullBytes, BenchCounts.Quick.PullLayers, progress.Phase, cancellationToken);
            progress.Phase("starting minato");
            host.Runtime = await MinatoHost.StartAsync(executable, Path.Combine(host.Work, "minato"), network, cancellationToken);
            await PodSpecs.EnsureImageAsync(host.Runtime, host.Busybox, cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Addresses host-local holds now.</summary>
    public int IpamAllocations() => Directory.Exists(IpamDirectory)
        ? Directory.GetFiles(IpamDirectory).Count(f => System.Net.IPAddress.TryParse(Path.GetFileName(f), out _))
        : 0;

    /// <summary>Mounts under the work directory (rootfs overlays, pinned namespaces, /dev/shm tmpfs).</summary>
    public int Mounts() => File.ReadLines("/proc/self/mountinfo").Count(l => l.Split(' ')[4].StartsWith(Work + "/", StringComparison.Ordinal));

    /// <summary>Pinned network namespaces under the work directory.</summary>
    public int NetworkNamespaces() => File.ReadLines("/proc/self/mountinfo")
        .Count(l => l.Contains(" nsfs ", StringComparison.Ordinal) && l.Split(' ')[4].StartsWith(Work + "/", StringComparison.Ordinal) && l.Split(' ')[4].EndsWith("/net", StringComparison.Ordinal));

    /// <summary>The metadata database and its write-ahead log, in bytes.</summary>
    public long DatabaseBytes()
    {
        var db = Path.Combine(Work, "minato", "root", "minato.db");
        return new[] { db, db + "-wal" }.Where(File.Exists).Sum(f => new FileInfo(f).Length);
    }

    /// <summary>cgroup directories (any hierarchy) named after one of <paramref name="ids"/>.</summary>
    public static int CgroupsOf(IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        var set = ids.Select(i => i[..12]).ToHashSet(StringComparer.Ordinal);
        var count = 0;
        var pending = new Stack<string>(["/sys/fs/cgroup"]);
        while (pending.Count > 0)
        {
            string[] children;
            try
            {
                children = Directory.GetDirectories(pending.Pop());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var child in children)
            {
                var name = Path.GetFileName(child);
                if (set.Any(name.Contains))
                {
                    count++;
                }

                pending.Push(child);
            }
        }

        return count;
    }

    public async ValueTask DisposeAsync()
    {
        _progress.Phase("cleaning up");
        if (Runtime is not null)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                var pods = await Runtime.Runtime.ListPodSandboxAsync(new Minato.Cri.Api.V1.ListPodSandboxRequest(), cancellationToken: timeout.Token);
                foreach (var pod in pods.Items)
                {
                    await PodSpecs.RemovePodAsync(Runtime, pod.Id, timeout.Token);
                }
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or OperationCanceledException)
            {
                // The daemon is gone or stuck; its processes are killed below.
            }

            await Runtime.DisposeAsync();
        }

        HostCleanup.KillProcessTreesMentioning(Work);
        if (_images is not null)
        {
            await _images.DisposeAsync();
        }

        await HostCleanup.DeleteLinkAsync(BenchNetwork.BridgeName);
        HostCleanup.UnmountUnder(Work);
        if (_keep)
        {
            _progress.Phase($"kept {Work} (daemon log and config)");
        }
        else
        {
            Directory.Delete(Work, recursive: true);
        }
    }
}
