using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Minato.Engine.Containers;
using Minato.Engine.Images;
using Minato.Engine.Images.Content;
using Minato.Engine.Images.Snapshots;
using Minato.Engine.Images.Store;
using Minato.Engine.Oci.Spec;
using Minato.Engine.Store;
using Minato.Testing.Fakes;

namespace Minato.Tests.Engine.Containers;

/// <summary>A container service on fakes at the OS seams (runtime, monitor, overlay mounts) with real stores, files and
/// inotify in a temporary directory; no root needed.</summary>
internal sealed class ContainerServiceFixture : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly MetadataStore _metadata;
    private readonly ImageStore _images;

    public ContainerServiceFixture()
    {
        _metadata = MetadataStore.Open(_dir.Combine("root", "minato.db"));
        _images = ImageStore.Load(_metadata, new ContentStore(_dir.Combine("root", "content")),
            new SnapshotStore(_dir.Combine("root", "snapshots"), _dir.Combine("root", "unpack")));
        Monitor = new FakeContainerMonitor(_dir.Combine("state", "exits")) { Runtime = Runtime };
        Options = new ContainerServiceOptions(_dir.Combine("state"), _dir.Combine("root")) { KillTimeout = TimeSpan.FromSeconds(5), LogReopenTimeout = TimeSpan.FromSeconds(1) };
        Service = Open();
    }

    public FakeOciRuntime Runtime { get; } = new();

    /// <summary>The metadata database the services share.</summary>
    public MetadataStore Metadata => _metadata;

    public FakeContainerMonitor Monitor { get; }

    public FakeOverlayMounts Mounts { get; } = new();

    public ContainerServiceOptions Options { get; private set; }

    public ImageStore Images => _images;

    public ContainerService Service { get; private set; }

    /// <summary>Every change the current service raised, in order.</summary>
    public List<(ContainerChangeKind Kind, string Id)> Changes { get; } = [];

    public ImageRecord Image { get; private set; } = null!;

    /// <summary>Records one image (one empty layer, a config with a command) in the real image store.</summary>
    public async Task<ImageRecord> AddImageAsync()
    {
        Image = await CommitImageAsync('d', "example.com/app:1", _ => { });
        return Image;
    }

    /// <summary>Records a second image (for image volumes) whose one layer <paramref name="populate"/> fills.</summary>
    public Task<ImageRecord> AddVolumeImageAsync(Action<string> populate) => CommitImageAsync('e', "example.com/data:1", populate);

    /// <summary>Records an image whose one layer <paramref name="populate"/> fills, with these manifest annotations and
    /// config labels (JSON object text), as a checkpoint image carries its marker.</summary>
    public async Task<ImageRecord> AddAnnotatedImageAsync(char digit, string name, Action<string> populate, string annotations, string labels)
    {
        var manifest = Encoding.UTF8.GetBytes($$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","annotations":{{annotations}}}""");
        var manifestDigest = Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)));
        await _images.Content.WriteAsync(manifestDigest, manifest, CancellationToken.None);
        return await CommitImageAsync(digit, name, populate, labels, manifestDigest.ToString());
    }

    private async Task<ImageRecord> CommitImageAsync(char digit, string name, Action<string> populate, string labels = "{}", string? manifestDigest = null)
    {
        var diffId = "sha256:" + new string(digit, 64);
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","config":{"Cmd":["sleep","600"],"StopSignal":"SIGTERM","Labels":{{{labels}}}},"rootfs":{"type":"layers","diff_ids":["{{{diffId}}}"]}}""");
        var id = Digest.Parse("sha256:" + Convert.ToHexStringLower(SHA256.HashData(config)));
        await _images.Content.WriteAsync(id, config, CancellationToken.None);
        var snapshot = new Snapshot(new string(digit, 64), Digest.Parse(diffId), 0, 1);
        var layer = _images.Snapshots.PathOf(snapshot.Name);
        Directory.CreateDirectory(layer);
        populate(layer);
        return await _images.CommitAsync(
            new ImageRecord
            {
                Id = id.ToString(),
                ManifestDigest = manifestDigest ?? "sha256:" + new string(digit == 'd' ? 'f' : 'c', 64),
                ManifestMediaType = "application/vnd.oci.image.manifest.v1+json",
                Layers = [new ImageLayer(diffId, "application/vnd.oci.image.layer.v1.tar", 1, diffId, snapshot.Name)],
                Blobs = [id.ToString()],
            },
            [snapshot],
            [name],
            CancellationToken.None);
    }

    /// <summary>A description whose spec runs the image's command; <paramref name="spec"/> replaces the builder.</summary>
    public ContainerDescription Describe(string? id = null, Func<ContainerRootfs, PreparedSpec>? spec = null) => new(
        id ?? ContainerService.NewId(), "test", "app", Image, Runtime.Handler.Name, string.Empty, Tty: false, Stdin: false, StdinOnce: false,
        spec ?? (rootfs => new PreparedSpec(
            new RuntimeSpec
            {
                Root = new SpecRoot(rootfs.Path),
                Process = new SpecProcess { User = new SpecUser(), Args = [.. rootfs.Image.Cmd], Cwd = "/" },
                Linux = new LinuxSpec(),
            },
            ["data"],
            rootfs.Image.StopSignal)));

    /// <summary>A running container.</summary>
    public async Task<ContainerRecord> RunAsync()
    {
        var created = await Service.CreateAsync(Describe(), CancellationToken.None);
        return await Service.StartAsync(created.Id, CancellationToken.None);
    }

    /// <summary>The daemon restarted: a new service on the same store, runtime and monitor (with changed options).</summary>
    public ContainerService Restart(Func<ContainerServiceOptions, ContainerServiceOptions>? change = null)
    {
        Options = change?.Invoke(Options) ?? Options;
        Service.Dispose();
        Service = Open();
        return Service;
    }

    /// <summary>Nothing of container <paramref name="id"/> is left: record, bundle, layer, mount, exit file.</summary>
    public void AssertNothingLeftOf(string id)
    {
        Assert.Null(Service.Recorded(id));
        Assert.False(Directory.Exists(Options.BundleDirectory(id)), "bundle left");
        Assert.False(Directory.Exists(Options.LayerDirectory(id)), "writable layer left");
        Assert.False(Mounts.IsMounted(Path.Combine(Options.BundleDirectory(id), "rootfs")), "rootfs still mounted");
        Assert.False(File.Exists(Path.Combine(Monitor.ExitDirectory, id)), "exit file left");
        Assert.Empty(Service.ContainersUsing(Image.Id));
    }

    /// <summary>Inserts a record as a killed daemon would have left it mid-create.</summary>
    public ContainerRecord LeaveHalfCreated()
    {
        var id = ContainerService.NewId();
        var record = new ContainerRecord
        {
            Id = id,
            Owner = "test",
            ImageId = Image.Id,
            RuntimeHandler = Runtime.Handler.Name,
            Phase = ContainerPhase.Creating,
            CreatedAt = 1,
            BundleDirectory = Options.BundleDirectory(id),
            LayerDirectory = Options.LayerDirectory(id),
            LogPath = Path.Combine(Options.BundleDirectory(id), "container.log"),
        };
        ContainerStore.Load(_metadata).Insert(record);
        Directory.CreateDirectory(Path.Combine(record.BundleDirectory, "rootfs"));
        Directory.CreateDirectory(record.LayerDirectory);
        Mounts.Mounted[record.RootfsPath] = [];
        return record;
    }

    public void Dispose()
    {
        Service.Dispose();
        _images.Dispose();
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private ContainerService Open()
    {
        var service = new ContainerService(ContainerStore.Load(_metadata), _images, Runtime, Monitor, Mounts, Options, TimeProvider.System,
            NullLogger<ContainerService>.Instance);
        service.Changed += c =>
        {
            lock (Changes)
            {
                Changes.Add((c.Kind, c.Container.Id));
            }
        };
        return service;
    }
}
