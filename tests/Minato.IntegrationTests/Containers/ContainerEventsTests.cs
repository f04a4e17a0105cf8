using System.Diagnostics;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Containers;

/// <summary>GetContainerEvents on a real daemon: what the kubelet's evented PLEG sees, and that streams never hold up shutdown.</summary>
public sealed class ContainerEventsTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private PodSandboxConfig _pod = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync();
        _pod = _node.NewPod();
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task GetContainerEvents_ContainerLifecycle_CreatedStartedStoppedDeletedInOrderWithPodStatus()
    {
        var podId = (await _node.Daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = _node.Daemon.Runtime.GetContainerEvents(new GetEventsRequest(), cancellationToken: cancel.Token);
        await call.ResponseHeadersAsync;

        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "watched" }, Image = new ImageSpec { Image = _node.Busybox }, LogPath = "watched.log" };
        config.Command.AddRange(["sleep", "600"]);
        var id = (await _node.Daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = _pod })).ContainerId;
        await _node.Daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
        await _node.Daemon.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 });
        await _node.Daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });

        var events = new List<ContainerEventResponse>();
        while (events.Count < 4 && await call.ResponseStream.MoveNext(cancel.Token))
        {
            events.Add(call.ResponseStream.Current);
        }

        Assert.All(events, e => Assert.Equal(id, e.ContainerId));
        Assert.Equal(
            [ContainerEventType.ContainerCreatedEvent, ContainerEventType.ContainerStartedEvent, ContainerEventType.ContainerStoppedEvent, ContainerEventType.ContainerDeletedEvent],
            events.Select(e => e.ContainerEventType));
        Assert.All(events, e => Assert.Equal((podId, PodSandboxState.SandboxReady, _pod.Metadata.Uid), (e.PodSandboxStatus.Id, e.PodSandboxStatus.State, e.PodSandboxStatus.Metadata.Uid)));
        Assert.True(events.Zip(events.Skip(1)).All(p => p.First.CreatedAt <= p.Second.CreatedAt), "event times go forward");
        Assert.Equal(
            [ContainerState.ContainerCreated, ContainerState.ContainerRunning, ContainerState.ContainerExited],
            events.Take(3).Select(e => Assert.Single(e.ContainersStatuses, s => s.Id == id).State));
        Assert.Equal(137, events[2].ContainersStatuses.Single(s => s.Id == id).ExitCode);
        Assert.DoesNotContain(events[3].ContainersStatuses, s => s.Id == id);
    }

    [Fact]
    public async Task GetContainerEvents_ContainerExitsOnItsOwn_StoppedComesAfterStarted()
    {
        var podId = (await _node.Daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var call = _node.Daemon.Runtime.GetContainerEvents(new GetEventsRequest(), cancellationToken: cancel.Token);
        await call.ResponseHeadersAsync;

        // Exits at once: the exit watch may fold the exit in before StartContainer has recorded the start.
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "brief" }, Image = new ImageSpec { Image = _node.Busybox }, LogPath = "brief.log" };
        config.Command.AddRange(["true"]);
        var id = (await _node.Daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = _pod })).ContainerId;
        await _node.Daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });

        var events = new List<ContainerEventResponse>();
        while (events.Count < 3 && await call.ResponseStream.MoveNext(cancel.Token))
        {
            events.Add(call.ResponseStream.Current);
        }

        Assert.Equal(
            [ContainerEventType.ContainerCreatedEvent, ContainerEventType.ContainerStartedEvent, ContainerEventType.ContainerStoppedEvent],
            events.Select(e => e.ContainerEventType));
        var exited = Assert.Single(events[2].ContainersStatuses);
        Assert.Equal((ContainerState.ContainerExited, 0, "Completed"), (exited.State, exited.ExitCode, exited.Reason));
    }

    [Fact]
    public async Task DaemonStop_SubscriberAttached_StreamEndsAndDaemonExitsPromptly()
    {
        await using var daemon = await MinatoDaemon.StartAsync("--cni-config-dir", _node.Network.ConfigDir);
        using var call = daemon.Runtime.GetContainerEvents(new GetEventsRequest());
        await call.ResponseHeadersAsync;
        var reading = Task.Run(async () =>
        {
            try
            {
                return await call.ResponseStream.MoveNext();
            }
            catch (RpcException)
            {
                return false;
            }
        });

        var stopping = Stopwatch.StartNew();
        var exitCode = await daemon.StopAsync(TimeSpan.FromSeconds(30));

        // The shutdown timeout is 10 s: a stream that held the daemon up would show here.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the daemon took {stopping.Elapsed} to stop");
        Assert.Equal(0, exitCode);
        Assert.False(await reading.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
