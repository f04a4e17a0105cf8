using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Minato.Docker.Http;
using Minato.Docker.Images;
using Minato.Docker.Volumes;
using Minato.Engine.Containers;
using Minato.Engine.Images.Store;
using Minato.Engine.Volumes;

namespace Minato.Docker.Daemon;

/// <summary><c>/info</c> and <c>/system/df</c>: real figures of this engine and machine.</summary>
public sealed class InfoRoutes(
    ImageStore images, ContainerService containers, ImageSummaries summaries, VolumeService volumes, DockerHostOptions host) : IDockerRoutes
{
    /// <summary>The name Docker clients know the storage by; Minato's snapshots are overlay lower directories too.</summary>
    public const string StorageDriver = "overlay2";

    public IEnumerable<DockerRoute> Routes() =>
    [
        new(HttpMethods.Get, "/info", InfoAsync, 0),
        new(HttpMethods.Get, "/system/df", DiskUsageAsync, 0),
    ];

    private Task InfoAsync(DockerRequest request)
    {
        var all = containers.List();
        var running = all.Count(c => c.Phase == ContainerPhase.Running);
        return request.WriteJsonAsync(new InfoResponse
        {
            ID = EngineId(),
            Containers = all.Count,
            ContainersRunning = running,
            ContainersStopped = all.Count - running,
            Images = images.All.Count,
            Driver = StorageDriver,
            DriverStatus = [["Backing Filesystem", BackingFilesystem(host.RootDirectory)], ["Supports d_type", "true"]],
            Plugins = new PluginsInfo(["local"], ["bridge", "host", "none"], null, ["k8s-file"]),
            MemoryLimit = true,
            SwapLimit = true,
            CpuCfsPeriod = true,
            CpuCfsQuota = true,
            CPUShares = true,
            CPUSet = true,
            PidsLimit = true,
            IPv4Forwarding = File.Exists("/proc/sys/net/ipv4/ip_forward") && File.ReadAllText("/proc/sys/net/ipv4/ip_forward").Trim() == "1",
            NFd = OpenDescriptors(),
            NGoroutines = ThreadPool.ThreadCount,
            SystemTime = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
            LoggingDriver = "k8s-file",
            CgroupDriver = host.CgroupDriver,
            CgroupVersion = host.CgroupVersion,
            KernelVersion = HostFigures.KernelVersion,
            OperatingSystem = HostFigures.OsRelease("PRETTY_NAME"),
            OSVersion = HostFigures.OsRelease("VERSION_ID"),
            Architecture = HostFigures.Machine,
            RegistryConfig = new RegistryServiceConfig(
                ["127.0.0.0/8", "::1/128"],
                new Dictionary<string, IndexInfo>(StringComparer.Ordinal) { ["docker.io"] = new("docker.io", [], Secure: true, Official: true) },
                []),
            NCPU = Environment.ProcessorCount,
            MemTotal = HostFigures.MemoryBytes,
            DockerRootDir = host.RootDirectory,
            Name = Environment.MachineName,
            ServerVersion = ProductInfo.Version,
            Runtimes = host.Runtimes.ToDictionary(r => r.Key, r => new RuntimeInfo(r.Value), StringComparer.Ordinal),
            DefaultRuntime = host.DefaultRuntime,
            SecurityOptions = ["name=seccomp,profile=builtin", "name=cgroupns"],
            Warnings = [],
        }, DockerJson.Default.InfoResponse);
    }

    private Task DiskUsageAsync(DockerRequest request)
    {
        var stored = images.All;
        var all = containers.List();

        // A snapshot two images stack is "shared" for both; dockerd counts it the same way.
        var users = stored.SelectMany(i => i.Layers.Select(l => l.Snapshot).Distinct(StringComparer.Ordinal))
            .GroupBy(s => s, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var imageSummaries = stored.OrderBy(i => i.Id, StringComparer.Ordinal).Select(image => summaries.Summarize(
            image,
            request.Version,
            sharedSize: image.Layers.Select(l => l.Snapshot).Distinct(StringComparer.Ordinal)
                .Where(s => users[s] > 1).Sum(s => images.FindSnapshot(s)?.Bytes ?? 0),
            containers: containers.ContainersUsing(image.Id).Count)).ToList();
        var containerUsage = all.Select(c => ContainerUsage(c, stored)).ToList();
        return request.WriteJsonAsync(new DiskUsageResponse
        {
            LayersSize = images.SnapshotUsage().Bytes,
            Images = imageSummaries,
            Containers = containerUsage,
            Volumes = [.. volumes.All.Select(v => VolumeRoutes.Describe(v, volumes, usage: true))],
        }, DockerJson.Default.DiskUsageResponse);
    }

    private ContainerDiskUsage ContainerUsage(ContainerRecord container, IReadOnlyList<ImageRecord> stored)
    {
        var usage = containers.Usage(container);
        var image = stored.FirstOrDefault(i => i.Id == container.ImageId);
        var state = container.Phase switch
        {
            ContainerPhase.Running => "running",
            ContainerPhase.Exited => "exited",
            _ => "created",
        };
        return new ContainerDiskUsage
        {
            Id = container.Id,
            Names = ["/" + (container.Name.Length > 0 ? container.Name : container.Id[..12])],
            Image = image?.RepoTags.Select(DockerNames.Familiar).FirstOrDefault() ?? container.ImageId,
            ImageID = container.ImageId,
            Created = container.CreatedAt / 1_000_000_000,
            State = state,
            Status = state,
            SizeRw = (long)usage.LayerBytes,
            SizeRootFs = (long)usage.LayerBytes + (image?.Size ?? 0),
        };
    }

    // A stable id per machine and root, in dockerd's UUID-like form, so tools that key on it see one engine.
    private string EngineId()
    {
        var machine = File.Exists("/etc/machine-id") ? File.ReadAllText("/etc/machine-id").Trim() : Environment.MachineName;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(machine + "\n" + host.RootDirectory));
        return new Guid(hash.AsSpan(0, 16)).ToString();
    }

    private static int OpenDescriptors()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // The file system type of the mount holding the root directory (longest mount point that prefixes it).
    private static string BackingFilesystem(string root)
    {
        var best = (Length: -1, Type: "unknown");
        foreach (var line in File.Exists("/proc/self/mounts") ? File.ReadLines("/proc/self/mounts") : [])
        {
            var fields = line.Split(' ');
            if (fields.Length < 3)
            {
                continue;
            }

            var point = fields[1];
            var under = root == point || root.StartsWith(point.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (under && point.Length > best.Length)
            {
                best = (point.Length, fields[2] == "ext4" ? "extfs" : fields[2]);
            }
        }

        return best.Type;
    }
}
