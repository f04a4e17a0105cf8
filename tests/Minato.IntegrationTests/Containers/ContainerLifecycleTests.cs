using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Minato.Cri.Api.V1;

namespace Minato.IntegrationTests.Containers;

/// <summary>Containers on a real daemon: busybox pulled from a real registry, a CNI pod, conmon and runc.</summary>
public sealed partial class ContainerLifecycleTests : IAsyncLifetime
{
    private TestNode _node = null!;

    private RuntimeService.RuntimeServiceClient Runtime => _node.Runtime;

    public async Task InitializeAsync() => _node = await TestNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ShortLivedContainer_ExitsWithCode3_StatusSaysErrorAndTheCriLogHasTheLine()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "printer", "sh", "-c", "echo hello-from-minato; exit 3");
        var created = await StatusAsync(id);
        Assert.Equal(ContainerState.ContainerCreated, created.Status.State);

        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var status = await WaitForStateAsync(id, ContainerState.ContainerExited);

        Assert.Equal(3, status.ExitCode);
        Assert.Equal("Error", status.Reason);
        Assert.True(status.StartedAt > 0 && status.FinishedAt >= status.StartedAt, $"started {status.StartedAt}, finished {status.FinishedAt}");
        Assert.Equal(Path.Combine(pod.LogDirectory, "printer", "0.log"), status.LogPath);
        var lines = await File.ReadAllLinesAsync(status.LogPath);
        Assert.Contains(lines, l => CriLine().Match(l) is { Success: true } m && m.Groups[1].Value == "stdout" && m.Groups[2].Value == "hello-from-minato");
        var listed = await Runtime.ListContainersAsync(new ListContainersRequest
        {
            Filter = new ContainerFilter { PodSandboxId = podId, State = new ContainerStateValue { State = ContainerState.ContainerExited } },
        });
        Assert.Equal(id, Assert.Single(listed.Containers).Id);
    }

    [Fact]
    public async Task SleepingContainer_StopWithTimeout_ExitsThenRemoveLeavesNothing()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "sleeper", "sleep", "600");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        Assert.Equal(ContainerState.ContainerRunning, (await StatusAsync(id)).Status.State);
        var rootfs = await RootfsAsync(id);
        Assert.True(IsMounted(rootfs));

        // sleep as pid 1 ignores SIGTERM: the stop ends with SIGKILL after the timeout.
        await Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 1 });
        await Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 1 });

        var status = (await StatusAsync(id)).Status;
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(137, status.ExitCode);
        await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        var error = await Assert.ThrowsAsync<RpcException>(async () => await StatusAsync(id));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.False(IsMounted(rootfs));
        Assert.False(Directory.Exists(Path.GetDirectoryName(rootfs)));
    }

    [Fact]
    public async Task RemovePodSandbox_RunningContainer_IsRemovedWithThePod()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "sleeper", "sleep", "600");
        await Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        var rootfs = await RootfsAsync(id);

        await Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });

        var listed = await Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = podId } });
        Assert.Empty(listed.Containers);
        Assert.False(IsMounted(rootfs));
    }

    [Fact]
    public async Task CreateContainer_SameNameTwiceAtOnce_OnlyOneIsCreated()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                return await CreateAsync(podId, pod, "twin", "true");
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.AlreadyExists)
            {
                return null;
            }
        }));

        Assert.Single(attempts, a => a is not null);
        var listed = await Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = podId } });
        Assert.Single(listed.Containers);
    }

    [Fact]
    public async Task CreateContainer_UnknownImage_NotFoundAndNothingRecorded()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "nope" }, Image = new ImageSpec { Image = "example.invalid/none:1" } };

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Empty((await Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
    }

    [Fact]
    public async Task CreateContainer_RuntimeRefusesTheCommand_UnknownWithItsMessageAndNothingLeft()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await CreateAsync(podId, pod, "broken", "/no/such/binary"));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Contains("/no/such/binary", error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty((await Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
        Assert.Empty(Directory.GetDirectories(Path.Combine(_node.Daemon.State, "containers")));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_node.Daemon.Root, "containers")));
        Assert.DoesNotContain(Path.Combine(_node.Daemon.State, "containers"), File.ReadAllText("/proc/self/mountinfo"), StringComparison.Ordinal);

        // The same name works once the failed attempt is gone.
        Assert.Matches("^[0-9a-f]{64}$", await CreateAsync(podId, pod, "broken", "true"));
    }

    [Fact]
    public async Task RemoveImage_UsedByAContainer_IsRefusedUntilTheContainerIsRemoved()
    {
        var pod = _node.NewPod();
        var podId = await RunPodAsync(pod);
        var id = await CreateAsync(podId, pod, "user", "true");

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _node.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = _node.Busybox } }));
        await Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        await _node.Daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = _node.Busybox } });

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains(id, error.Status.Detail, StringComparison.Ordinal);
        Assert.Null((await _node.Daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = _node.Busybox } })).Image);
    }

    private async Task<string> RunPodAsync(PodSandboxConfig config)
    {
        return (await Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = config })).PodSandboxId;
    }

    private async Task<string> CreateAsync(string podId, PodSandboxConfig pod, string name, params string[] command)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = _node.Busybox },
            LogPath = $"{name}/0.log",
        };
        config.Command.AddRange(command);
        config.Labels.Add("container", name);
        var response = await Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = pod });
        return response.ContainerId;
    }

    private async Task<ContainerStatusResponse> StatusAsync(string id) =>
        await Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id, Verbose = true });

    private async Task<string> RootfsAsync(string id)
    {
        using var info = JsonDocument.Parse((await StatusAsync(id)).Info["info"]);
        return info.RootElement.GetProperty("rootfs").GetString()!;
    }

    private async Task<ContainerStatus> WaitForStateAsync(string id, ContainerState state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var status = (await StatusAsync(id)).Status;
            if (status.State == state || DateTime.UtcNow > deadline)
            {
                Assert.Equal(state, status.State);
                return status;
            }

            await Task.Delay(50);
        }
    }

    private static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ') is { Length: > 4 } f && f[4] == path);

    /// <summary>A CRI log record: RFC 3339 timestamp with nanoseconds, stream, full-line tag, content.</summary>
    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(?:Z|[+-]\d\d:\d\d) (stdout|stderr) F (.*)$")]
    private static partial Regex CriLine();
}
