using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing.Images;

namespace Minato.IntegrationTests.Containers;

/// <summary>Restore from a checkpoint archive (CreateContainer whose image is the archive's path, then StartContainer)
/// through the real daemon, conmon, runc and CRIU. No host here can dump a real process, so the archives are built by
/// the tests, with CRIU images CRIU must refuse; the round trip runs where <c>criu check</c> passes.</summary>
public sealed partial class ContainerLifecycleTests
{
    [Fact]
    public async Task CreateContainer_CheckpointArchive_AppliesRootfsChangesAndStartFailsWithCriusWordsLeavingNothing()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var dir = Directory.CreateTempSubdirectory("minato-restore-");
        try
        {
            var archive = CheckpointArchiveBuilder.Valid(_node.Busybox, "sh", "-c", "sleep 600")
                .RootfsDiff(new Dictionary<string, string> { ["count"] = "41", ["etc/app.conf"] = "restored=1" })
                .DeletedFiles("""["/etc/group","/home/app"]""")
                .WriteTo(Path.Combine(dir.FullName, "counter.tar"));

            var id = await CreateFromArchiveAsync(podId, pod, "restored", archive);

            var created = await StatusAsync(id);
            Assert.Equal(ContainerState.ContainerCreated, created.Status.State);
            Assert.Equal(_node.Busybox, created.Status.Image.UserSpecifiedImage);
            Assert.Equal("restored", created.Status.Labels["container"]);
            var rootfs = await RootfsAsync(id);
            Assert.Equal("41", await File.ReadAllTextAsync(Path.Combine(rootfs, "count")));
            Assert.Equal("restored=1", await File.ReadAllTextAsync(Path.Combine(rootfs, "etc", "app.conf")));
            Assert.False(File.Exists(Path.Combine(rootfs, "etc", "group")));
            Assert.False(Directory.Exists(Path.Combine(rootfs, "home", "app")));
            Assert.True(File.Exists(Path.Combine(rootfs, "etc", "passwd")));
            Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_node.Daemon.Root, "checkpoints")));

            // Real conmon, runc restore and CRIU: CRIU refuses (this host's CRIU cannot work at all, or the images are fake).
            var (_, criuSays) = await CriuCheckAsync();
            var error = await Assert.ThrowsAsync<RpcException>(async () => await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id }));

            Assert.True(error.StatusCode == StatusCode.FailedPrecondition, error.Status.Detail);
            Assert.True(error.Status.Detail.Contains("Error (criu/", StringComparison.Ordinal), error.Status.Detail);
            Assert.Contains(criuSays, error.Status.Detail, StringComparison.Ordinal);
            var status = (await StatusAsync(id)).Status;
            Assert.Equal(ContainerState.ContainerExited, status.State);
            Assert.Equal("StartError", status.Reason);
            Assert.Contains("Error (criu/", status.Message, StringComparison.Ordinal);
            Assert.False(RuntimeKnows(id), "runc kept state of the failed restore");
            Assert.DoesNotContain(ConmonCommandLines(), c => c.Contains(id, StringComparison.Ordinal));

            await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
            Assert.False(IsMounted(rootfs));
            AssertNoContainerLeft();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task CreateContainer_BadCheckpointArchives_NotFoundOrInvalidArgumentNamingItAndNothingLeft()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var dir = Directory.CreateTempSubdirectory("minato-restore-");
        try
        {
            var valid = () => CheckpointArchiveBuilder.Valid(_node.Busybox, "sleep", "600");
            var cases = new (string Name, byte[]? Content, StatusCode Code, string Says)[]
            {
                ("missing.tar", null, StatusCode.NotFound, "not found"),
                ("garbage.tar", Enumerable.Repeat((byte)'x', 4096).ToArray(), StatusCode.InvalidArgument, "not a well-formed tar"),
                ("traversal.tar", valid().File("../escaped", "out").Build(), StatusCode.InvalidArgument, "../escaped"),
                ("symlink.tar", valid().Symlink("config.dump", "/etc/shadow").Build(), StatusCode.InvalidArgument, "config.dump is not a regular file"),
                ("huge.tar", valid().File("config.dump", new byte[2 << 20]).Build(), StatusCode.InvalidArgument, "config.dump is 2097152 bytes"),
                ("no-images.tar", valid().Without("checkpoint").Build(), StatusCode.InvalidArgument, "no checkpoint/ directory"),
                ("deleted-escapes.tar", valid().DeletedFiles("""["../../../etc/passwd"]""").Build(), StatusCode.InvalidArgument, "deleted.files"),
                ("diff-escapes.tar", valid().RootfsDiff(new Dictionary<string, string> { ["../../escaped"] = "out" }).Build(), StatusCode.InvalidArgument, "rootfs-diff.tar"),
                ("no-image.tar", valid().File("config.dump", CheckpointArchiveBuilder.ConfigDump("example.invalid/none:1")).Build(), StatusCode.NotFound, "example.invalid/none:1"),
                ("bind.tar", valid().File("spec.dump", """{"root":{"path":"rootfs"},"process":{"user":{"uid":0,"gid":0},"args":["true"],"cwd":"/"},"linux":{},"mounts":[{"destination":"/data","type":"bind","source":"/etc"}]}""").Build(), StatusCode.InvalidArgument, "/data"),
            };
            foreach (var (name, content, code, says) in cases)
            {
                var archive = Path.Combine(dir.FullName, name);
                if (content is not null)
                {
                    await File.WriteAllBytesAsync(archive, content);
                }

                var error = await Assert.ThrowsAsync<RpcException>(async () => await CreateFromArchiveAsync(podId, pod, "restored", archive));

                Assert.True(code == error.StatusCode, $"{name}: {error.StatusCode} {error.Status.Detail}");
                Assert.Contains(archive, error.Status.Detail, StringComparison.Ordinal);
                Assert.Contains(says, error.Status.Detail, StringComparison.Ordinal);
                AssertNoContainerLeft();
                Assert.False(File.Exists(Path.Combine(_node.Daemon.Root, "checkpoints", "escaped")), $"{name}: an entry escaped the unpack directory");
                Assert.False(File.Exists(Path.Combine(_node.Daemon.Root, "containers", "escaped")), $"{name}: an entry escaped the writable layer");
            }

            Assert.Empty((await Runtime.ListContainersAsync(new ListContainersRequest())).Containers);

            // The name is free again once the failed attempts are gone.
            Assert.Matches("^[0-9a-f]{64}$", await CreateAsync(podId, pod, "restored", "true"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task CheckpointThenRestore_RunningCounter_KeepsCountingInTheNewContainer()
    {
        var (criuWorks, criuSays) = await CriuCheckAsync();
        Skip.IfNot(criuWorks, $"CRIU cannot work on this host (criu check: {criuSays})");
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "counter", "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /count; sleep 0.1; done");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await Task.Delay(1000);
        var dir = Directory.CreateTempSubdirectory("minato-restore-");
        try
        {
            var archive = Path.Combine(dir.FullName, "counter.tar");
            await Runtime.CheckpointContainerAsync(new CheckpointContainerRequest { ContainerId = id, Location = archive, Timeout = 60 });
            var counted = int.Parse(await File.ReadAllTextAsync(Path.Combine(await RootfsAsync(id), "count")), System.Globalization.CultureInfo.InvariantCulture);
            await Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 });

            var restoredPod = _node.NewPod();
            var restoredPodId = await RunPodAsync(restoredPod);
            var restored = await CreateFromArchiveAsync(restoredPodId, restoredPod, "counter", archive);
            await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = restored });
            await Task.Delay(1000);

            Assert.Equal(ContainerState.ContainerRunning, (await StatusAsync(restored)).Status.State);
            var now = int.Parse(await File.ReadAllTextAsync(Path.Combine(await RootfsAsync(restored), "count")), System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(now > counted, $"the restored counter is at {now}, the checkpoint was at least {counted}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private async Task<string> CreateFromArchiveAsync(string podId, PodSandboxConfig pod, string name, string archive)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = archive },
            LogPath = $"{name}/0.log",
        };
        config.Labels.Add("container", name);
        var response = await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod });
        return response.ContainerId;
    }

    /// <summary>No bundle, writable layer, unpacked archive or rootfs mount of any container is left.</summary>
    private void AssertNoContainerLeft()
    {
        foreach (var containers in new[] { Path.Combine(_node.Daemon.State, "containers"), Path.Combine(_node.Daemon.Root, "containers") })
        {
            Assert.True(!Directory.Exists(containers) || Directory.GetDirectories(containers).Length == 0, $"a container directory is left in {containers}");
        }

        var staging = Path.Combine(_node.Daemon.Root, "checkpoints");
        Assert.True(!Directory.Exists(staging) || Directory.GetFileSystemEntries(staging).Length == 0, "an unpacked archive is left");
        Assert.DoesNotContain(Path.Combine(_node.Daemon.State, "containers"), File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);
    }

    private bool RuntimeKnows(string id)
    {
        var runtimes = Path.Combine(_node.Daemon.State, "runtimes");
        return Directory.Exists(runtimes) && Directory.GetDirectories(runtimes).Any(r => Directory.Exists(Path.Combine(r, id)));
    }

    private static List<string> ConmonCommandLines() =>
        Directory.GetDirectories("/proc").Select(p => Path.Combine(p, "cmdline")).Select(ReadOrEmpty)
            .Where(c => c.StartsWith("conmon", StringComparison.Ordinal) || c.Contains("/conmon\0", StringComparison.Ordinal)).ToList();

    private static string ReadOrEmpty(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
