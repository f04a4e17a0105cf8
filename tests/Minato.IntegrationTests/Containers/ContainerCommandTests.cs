using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Containers;

/// <summary>The container verbs (create, start, ps, inspect, stop, rm) as a person runs them.</summary>
public sealed class ContainerCommandTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private PodSandboxConfig _pod = null!;

    public async Task InitializeAsync()
    {
        _node = await TestNode.StartAsync(pullBusybox: false);
        _pod = _node.NewPod();
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task ContainerVerbs_CrictlStyleConfigs_CreateStartListInspectStopRemove()
    {
        var image = $"{_node.Registry.Host}/library/busybox:1.36";
        await MinatoAsync("pull", image);
        var podId = (await _node.Daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        var podFile = Path.Combine(_node.Daemon.Directory, "pod.json");
        await File.WriteAllTextAsync(podFile, Google.Protobuf.JsonFormatter.Default.Format(_pod));
        var containerFile = Path.Combine(_node.Daemon.Directory, "container.json");
        await File.WriteAllTextAsync(containerFile, $$$"""
            {"metadata": {"name": "cli-sleeper"}, "image": {"image": "{{{image}}}"},
             "command": ["sleep", "600"], "log_path": "cli-sleeper.log", "labels": {"tier": "back"}}
            """);

        var id = (await MinatoAsync("create", podId, containerFile, podFile)).Stdout.Trim();
        var created = await MinatoAsync("ps", "-a");
        await MinatoAsync("start", id[..12]);
        var running = await MinatoAsync("ps", "-q", "--label", "tier=back");
        var inspect = await MinatoAsync("inspect", id);
        await MinatoAsync("stop", "-t", "0", id);
        var exited = await MinatoAsync("ps", "-a", "-o", "json", "--state", "exited");
        var stillRunning = await MinatoAsync("ps", "-q");
        await MinatoAsync("rm", id);
        var empty = await MinatoAsync("ps", "-aq");

        Assert.Matches("^[0-9a-f]{64}$", id);
        Assert.Matches(@"CONTAINER\s+IMAGE\s+CREATED\s+STATE\s+NAME\s+ATTEMPT\s+POD ID", created.Stdout);
        Assert.Matches(@$"{id[..13]}\s+\S+busybox:1.36\s+\d+ seconds ago\s+Created\s+cli-sleeper\s+0\s+{podId[..13]}", created.Stdout);
        Assert.Equal(id, running.Stdout.Trim());
        using (var json = JsonDocument.Parse(inspect.Stdout))
        {
            Assert.Equal("CONTAINER_RUNNING", json.RootElement.GetProperty("status").GetProperty("state").GetString());
            Assert.True(json.RootElement.GetProperty("info").GetProperty("pid").GetInt32() > 1);
        }

        Assert.Contains(id, exited.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stillRunning.Stdout.Trim());
        Assert.Equal(string.Empty, empty.Stdout.Trim());
    }

    [Fact]
    public async Task Logs_ExitedContainer_PrintsItsOutputWithTailAndTimestamps()
    {
        var image = $"{_node.Registry.Host}/library/busybox:1.36";
        await _node.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = image } });
        var podId = (await _node.Daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "talker" }, Image = new ImageSpec { Image = image }, LogPath = "talker.log" };
        config.Command.AddRange(["sh", "-c", "echo one; echo two >&2; echo three"]);
        var id = (await _node.Daemon.Runtime.CreateContainerAsync(new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = _pod })).ContainerId;
        await _node.Daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });

        var all = await MinatoAsync("logs", "-f", id);
        var last = await MinatoAsync("logs", "--tail", "1", "-t", id);

        // stdout and stderr are separate pipes: their relative order is not fixed.
        Assert.Equal(["one", "three", "two"], all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\S+ (one|two|three)\n$", last.Stdout);
    }

    [Fact]
    public async Task Run_ImageNotYetPulled_PrintsTheOutputReturnsTheExitCodeAndRemovesThePod()
    {
        var logs = Path.Combine(_node.Daemon.Directory, "run-logs");
        var image = $"{_node.Registry.Host}/library/busybox:1.36";

        var result = await CommandResult.RunAsync(
            MinatoDaemon.Executable,
            ["run", "--rm", "--log-dir", logs, "--endpoint", _node.Daemon.Endpoint, image, "--", "sh", "-c", "echo hello from minato; hostname; exit 5"],
            TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 5, result.ToString());
        Assert.StartsWith("hello from minato\nrun-", result.Stdout, StringComparison.Ordinal);
        Assert.Empty((await _node.Daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        Assert.Empty((await _node.Daemon.Runtime.ListContainersAsync(new ListContainersRequest())).Containers);
    }

    private async Task<CommandResult> MinatoAsync(params string[] args)
    {
        var result = await CommandResult.RunAsync(MinatoDaemon.Executable, [.. args, "--endpoint", _node.Daemon.Endpoint], TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
