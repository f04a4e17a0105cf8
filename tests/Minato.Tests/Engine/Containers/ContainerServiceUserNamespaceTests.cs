using System.Text.Json;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Images.Store;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Oci.Spec;

namespace Minato.Tests.Engine.Containers;

public sealed class ContainerServiceUserNamespaceTests : IAsyncLifetime, IDisposable
{
    private const string Pin = "/run/minato/pods/p/ns/user";
    private static readonly LinuxIdMapping Kubelet = new(0, 65536 * 7, 65536);
    private readonly ContainerServiceFixture _node = new();
    private readonly string _volume = Directory.CreateTempSubdirectory("minato-userns-volume-").FullName;
    private ImageRecord _data = null!;

    public async Task InitializeAsync()
    {
        await _node.AddImageAsync();
        _data = await _node.AddVolumeImageAsync(layer => File.WriteAllText(Path.Combine(layer, "README"), "data"));
        await _node.Service.RecoverAsync(CancellationToken.None);
        LetOthersSearch(_node.Options.StateDirectory);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _node.Dispose();
        Directory.Delete(_volume, recursive: true);
    }

    [Fact]
    public async Task CreateAsync_UserNamespace_LayersVolumesAndBindsIdMappedAndTheSpecJoinsIt()
    {
        var created = await _node.Service.CreateAsync(Describe(), CancellationToken.None);

        Assert.Equal(Pin, _node.Mounts.IdMapped[created.RootfsPath]);
        Assert.Equal(Pin, _node.Mounts.IdMapped[created.ImageMounts[0].MountPoint]);
        var spec = JsonSerializer.Deserialize(File.ReadAllBytes(Path.Combine(created.BundleDirectory, "config.json")), RuntimeSpecJsonContext.Default.RuntimeSpec)!;
        Assert.Equal(new LinuxNamespace("user", Pin), spec.Linux!.Namespaces![0]);
        Assert.Equal([Kubelet], spec.Linux.UidMappings);
        Assert.Equal([Kubelet], spec.Linux.GidMappings);
        var mounts = spec.Mounts!.ToDictionary(m => m.Destination);
        Assert.Equal("proc", mounts["/proc"].Source);
        Assert.Equal(created.ImageMounts[0].MountPoint, mounts["/image"].Source);
        var clone = mounts["/data"].Source!;
        Assert.Equal(created.IdMappedDirectory, Path.GetDirectoryName(clone));
        Assert.Equal(_volume, _node.Mounts.Binds[clone]);
        Assert.Equal(Pin, _node.Mounts.IdMapped[clone]);
        Assert.Equal(Pin, created.UserNamespace!.Path);
    }

    [Fact]
    public async Task RemoveAsync_UserNamespace_IdMappedClonesDetachedAndNothingLeft()
    {
        var created = await _node.Service.CreateAsync(Describe(), CancellationToken.None);

        await _node.Service.RemoveAsync(created.Id, CancellationToken.None);

        Assert.Empty(_node.Mounts.Binds);
        Assert.False(Directory.Exists(created.IdMappedDirectory));
        Assert.True(File.Exists(Path.Combine(_volume, "kept")), "the host directory behind a clone must never be deleted");
        _node.AssertNothingLeftOf(created.Id);
    }

    [Fact]
    public async Task CreateAsync_StateRootNotSearchableByOthers_PreconditionNamingItAndNothingLeft()
    {
        var state = _node.Options.StateDirectory;
        File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var description = Describe();

        var error = await Assert.ThrowsAsync<PreconditionException>(() => _node.Service.CreateAsync(description, CancellationToken.None));

        Assert.Contains($"{state} has no search permission for others", error.Message, StringComparison.Ordinal);
        _node.AssertNothingLeftOf(description.Id);
    }

    private ContainerDescription Describe()
    {
        File.WriteAllText(Path.Combine(_volume, "kept"), "host file");
        var description = _node.Describe(spec: rootfs =>
        {
            var process = new SpecProcess { User = new SpecUser(), Args = ["sleep"], Cwd = "/" };
            SpecMount[] mounts =
            [
                new() { Destination = "/proc", Type = "proc", Source = "proc" },
                new() { Destination = "/data", Type = "bind", Source = _volume, Options = ["rbind", "rprivate", "rw"] },
                new() { Destination = "/image", Type = "bind", Source = rootfs.ImageVolumes[0], Options = ["rbind", "ro"] },
            ];
            var linux = new LinuxSpec { Namespaces = [new LinuxNamespace("mount")] };
            return new PreparedSpec(new RuntimeSpec { Root = new SpecRoot(rootfs.Path), Process = process, Mounts = mounts, Linux = linux }, [], "SIGTERM");
        });
        return description with
        {
            ImageVolumes = [new ImageVolume(_data)],
            UserNamespace = new ContainerUserNamespace(Pin, new UserNamespaceMappings([Kubelet], [Kubelet])),
        };
    }

    /// <summary>The fixture's temporary directories are 0700; the engine wants every directory above a bundle searchable.</summary>
    private static void LetOthersSearch(string directory)
    {
        for (var d = directory; d is not null && d.StartsWith(Path.GetTempPath(), StringComparison.Ordinal); d = Path.GetDirectoryName(d))
        {
            File.SetUnixFileMode(d, File.GetUnixFileMode(d) | UnixFileMode.OtherExecute);
        }
    }
}
