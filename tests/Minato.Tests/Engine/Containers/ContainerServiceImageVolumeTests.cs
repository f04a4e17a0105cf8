using System.Text.Json;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Images.Store;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Engine.Containers;

public sealed class ContainerServiceImageVolumeTests : IAsyncLifetime, IDisposable
{
    private readonly ContainerServiceFixture _node = new();
    private ImageRecord _data = null!;

    public async Task InitializeAsync()
    {
        await _node.AddImageAsync();
        _data = await _node.AddVolumeImageAsync(layer =>
        {
            Directory.CreateDirectory(Path.Combine(layer, "share", "doc"));
            File.WriteAllText(Path.Combine(layer, "share", "doc", "README"), "from the data image");
            File.CreateSymbolicLink(Path.Combine(layer, "docs"), "share/doc");
            File.CreateSymbolicLink(Path.Combine(layer, "up"), "../../../..");
            File.CreateSymbolicLink(Path.Combine(layer, "etc"), "/etc");
            File.CreateSymbolicLink(Path.Combine(layer, "loop-a"), "loop-b");
            File.CreateSymbolicLink(Path.Combine(layer, "loop-b"), "loop-a");
        });
        await _node.Service.RecoverAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task CreateAsync_ImageVolume_ReadOnlyOverlayOfItsLayersHandedToTheSpec()
    {
        IReadOnlyList<string> sources = [];
        var description = Describe(new ImageVolume(_data), rootfs => sources = rootfs.ImageVolumes);

        var created = await _node.Service.CreateAsync(description, CancellationToken.None);

        var mount = Assert.Single(created.ImageMounts);
        Assert.Equal((_data.Id, "", Path.Combine(created.BundleDirectory, "image-mounts", "0")), (mount.ImageId, mount.SubPath, mount.MountPoint));
        Assert.Equal([mount.MountPoint], sources);
        Assert.True(_node.Mounts.ReadOnly.ContainsKey(mount.MountPoint), "not mounted read-only");
        Assert.Equal([Path.GetFileName(_data.Layers[0].Snapshot)], _node.Mounts.Mounted[mount.MountPoint].Select(Path.GetFileName));
        Assert.Equal([created.Id], _node.Service.ContainersUsing(_data.Id));
        Assert.Equal([created.Id], _node.Service.ContainersUsing(_node.Image.Id));
    }

    [Theory]
    [InlineData("share/doc", "share/doc")]
    [InlineData("./share//doc/", "share/doc")]
    [InlineData("docs", "share/doc")]
    public async Task CreateAsync_SubPath_ResolvedInsideTheImage(string subPath, string expected)
    {
        IReadOnlyList<string> sources = [];

        var created = await _node.Service.CreateAsync(Describe(new ImageVolume(_data, subPath), rootfs => sources = rootfs.ImageVolumes), CancellationToken.None);

        var mountPoint = created.ImageMounts[0].MountPoint;
        var source = Assert.Single(sources);
        Assert.Equal(Path.Combine(mountPoint, expected), source);
        Assert.Equal("from the data image", File.ReadAllText(Path.Combine(source, "README")));
    }

    [Theory]
    [InlineData("missing", "does not exist")]
    [InlineData("share/doc/README/x", "does not exist")]
    [InlineData("up", "leads out")]
    [InlineData("up/etc", "leads out")]
    [InlineData("etc", "leads out")]
    [InlineData("loop-a", "leads out")]
    [InlineData("share/../..", "must not contain '..'")]
    [InlineData("/share", "must be relative")]
    public async Task CreateAsync_SubPathMissingOrEscaping_InvalidInputNamingItAndNothingLeft(string subPath, string expected)
    {
        var description = Describe(new ImageVolume(_data, subPath));

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.CreateAsync(description, CancellationToken.None));

        Assert.Contains($"\"{subPath}\"", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        _node.AssertNothingLeftOf(description.Id);
        Assert.Empty(_node.Mounts.Mounted);
        Assert.Empty(_node.Service.ContainersUsing(_data.Id));
    }

    [Fact]
    public async Task CreateAsync_FailureAfterImageVolumesMounted_EveryMountUndone()
    {
        var description = Describe(new ImageVolume(_data), _ => throw new InvalidInputException("bad user")) with
        {
            ImageVolumes = [new ImageVolume(_data), new ImageVolume(_data, "share")],
        };

        await Assert.ThrowsAsync<InvalidInputException>(() => _node.Service.CreateAsync(description, CancellationToken.None));

        _node.AssertNothingLeftOf(description.Id);
        Assert.Empty(_node.Mounts.Mounted);
        Assert.Empty(_node.Service.ContainersUsing(_data.Id));
    }

    [Fact]
    public async Task RemoveAsync_ImageVolume_UnmountedAndTheImageNoLongerInUse()
    {
        var created = await _node.Service.CreateAsync(Describe(new ImageVolume(_data)), CancellationToken.None);

        await _node.Service.RemoveAsync(created.Id, CancellationToken.None);

        Assert.False(_node.Mounts.IsMounted(created.ImageMounts[0].MountPoint));
        _node.AssertNothingLeftOf(created.Id);
        Assert.Empty(_node.Service.ContainersUsing(_data.Id));
    }

    [Fact]
    public async Task RecoverAsync_ImageVolumeLostWhileDaemonWasDown_MountedAgainFromTheRecord()
    {
        var created = await _node.Service.CreateAsync(Describe(new ImageVolume(_data)), CancellationToken.None);
        var mountPoint = created.ImageMounts[0].MountPoint;
        _node.Mounts.Unmount(mountPoint);

        var service = _node.Restart();
        await service.RecoverAsync(CancellationToken.None);

        Assert.True(_node.Mounts.ReadOnly.ContainsKey(mountPoint), "not mounted again");
        Assert.Equal("from the data image", File.ReadAllText(Path.Combine(mountPoint, "share", "doc", "README")));
        Assert.Equal([created.Id], service.ContainersUsing(_data.Id));
    }

    [Fact]
    public async Task RecoverAsync_HalfCreatedWithImageVolume_Unmounted()
    {
        var created = await _node.Service.CreateAsync(Describe(new ImageVolume(_data)), CancellationToken.None);
        var store = ContainerStore.Load(_node.Metadata);
        store.Update(store.Get(created.Id)! with { Phase = ContainerPhase.Creating });

        var service = _node.Restart();
        await service.RecoverAsync(CancellationToken.None);

        Assert.Empty(_node.Mounts.Mounted);
        _node.AssertNothingLeftOf(created.Id);
        Assert.Empty(service.ContainersUsing(_data.Id));
    }

    [Fact]
    public void ContainerRecord_StoredBeforeImageVolumes_ReadsWithNone()
    {
        const string json = """
            {"id":"c1","owner":"cri","imageId":"sha256:1","runtimeHandler":"runc","phase":"Exited","createdAt":1,
             "bundleDirectory":"/b","layerDirectory":"/l","logPath":"/b/log"}
            """;

        var record = JsonSerializer.Deserialize(json, ContainerJsonContext.Default.ContainerRecord)!;

        Assert.NotNull(record.ImageMounts);
        Assert.Empty(record.ImageMounts);
    }

    private ContainerDescription Describe(ImageVolume volume, Action<ContainerRootfs>? seen = null)
    {
        var description = _node.Describe(spec: rootfs =>
        {
            seen?.Invoke(rootfs);
            var process = new SpecProcess { User = new SpecUser(), Args = ["sleep"], Cwd = "/" };
            return new PreparedSpec(new RuntimeSpec { Root = new SpecRoot(rootfs.Path), Process = process, Linux = new LinuxSpec() }, [], "SIGTERM");
        });
        return description with { ImageVolumes = [volume] };
    }
}
