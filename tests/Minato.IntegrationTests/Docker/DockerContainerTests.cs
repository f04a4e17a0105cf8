using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Docker;

/// <summary>Docker containers through the real docker CLI: run, ps, logs, exec, lifecycle, inspect and bad input.</summary>
public sealed class DockerContainerTests : IAsyncLifetime, IDisposable
{
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _image = (await _registry.PushAsync(image, "ctr/busybox:1.36")).Reference;
        _network = TestNetwork.Create();
        _daemon = await MinatoDaemon.StartWithDockerApiAsync("--cni-config-dir", _network.ConfigDir);
        _docker = new DockerClient(_daemon);
        var pull = await _docker.RunAsync("pull", _image);
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    public async Task DisposeAsync()
    {
        await _docker.RunAsync("rm", "-f", "web", "sleeper", "files", "renamed", "looper", "holder");
        await _daemon.DisposeAsync();
        await _network.DisposeAsync();
        await _registry.DisposeAsync();
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task Run_RmExitThree_ExitsThreeAndLeavesNoContainer()
    {
        var run = await _docker.RunAsync("run", "--rm", "--network", "none", _image, "sh", "-c", "echo out; echo err >&2; exit 3");
        var ps = await _docker.RunAsync("ps", "-aq");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal("out\n", run.Stdout);
        Assert.Contains("err", run.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, ps.Stdout.Trim());
    }

    [Fact]
    public async Task Events_RunRmExitFive_CreateStartDieWithExitCodeDestroyInOrder()
    {
        var since = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var run = await _docker.RunAsync("run", "--rm", "--network", "none", "--name", "evt", "--label", "team=ci", _image, "sh", "-c", "exit 5");
        var until = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1;

        var events = await _docker.RunAsync("events", "--since", since.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--until", until.ToString(System.Globalization.CultureInfo.InvariantCulture), "--filter", "type=container", "--filter", "label=team=ci",
            "--format", "{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}}");

        Assert.Equal(5, run.ExitCode);
        Assert.True(events.ExitCode == 0, events.ToString());
        // The CLI's template prints "<no value>" for an attribute an event does not carry (exitCode outside die).
        var lines = events.Stdout.Trim().Split('\n').Select(l => l.Replace("<no value>", "", StringComparison.Ordinal).Trim()).ToList();
        var expected = new[] { "create evt", "start evt", "die evt 5", "destroy evt" };
        var positions = expected.Select(e => lines.FindIndex(l => l == e)).ToList();
        Assert.True(positions.All(p => p >= 0), events.Stdout);
        Assert.Equal(positions.Order().ToList(), positions);
    }

    [Fact]
    public async Task Run_NamedAndAnonymousVolumes_DataOutlivesContainersAndRmVRemovesOnlyAnonymous()
    {
        var write = await _docker.RunAsync("run", "--rm", "--network", "none", "-v", "ctrdata:/data", _image, "sh", "-c", "echo kept > /data/f");
        var read = await _docker.RunAsync("run", "--rm", "--network", "none", "-v", "ctrdata:/data:ro", _image, "sh", "-c", "cat /data/f; touch /data/g");
        var holder = await _docker.RunAsync("run", "-d", "--name", "holder", "--network", "none", "-v", "ctrdata:/data", "-v", "/scratch", _image, "sleep", "300");
        Assert.True(holder.ExitCode == 0, holder.ToString());
        var inUse = await _docker.RunAsync("volume", "rm", "ctrdata");
        var mounts = JsonDocument.Parse((await _docker.RunAsync("inspect", "-f", "{{json .Mounts}}", "holder")).Stdout).RootElement;
        var anonymous = mounts.EnumerateArray().Single(m => m.GetProperty("Destination").GetString() == "/scratch").GetProperty("Name").GetString()!;
        var removed = await _docker.RunAsync("rm", "-f", "-v", "holder");
        var volumes = (await _docker.RunAsync("volume", "ls", "-q")).Stdout;
        var removeNamed = await _docker.RunAsync("volume", "rm", "ctrdata");

        Assert.True(write.ExitCode == 0, write.ToString());
        Assert.Equal("kept\n", read.Stdout);
        Assert.Contains("Read-only file system", read.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, inUse.ExitCode);
        Assert.Contains("in use", inUse.Stderr, StringComparison.Ordinal);
        Assert.Equal(64, anonymous.Length);
        Assert.Equal(0, removed.ExitCode);
        Assert.Contains("ctrdata", volumes, StringComparison.Ordinal);
        Assert.DoesNotContain(anonymous, volumes, StringComparison.Ordinal);
        Assert.True(removeNamed.ExitCode == 0, removeNamed.ToString());
    }

    [Fact]
    public async Task Run_ImageContentAtVolumePath_CopiedIntoNewVolumesWithOwnersOnceAndNotWithNocopy()
    {
        var image = (await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.VolumeWithContent), "ctr/volume-content:1")).Reference;
        var pull = await _docker.RunAsync("pull", image);
        Assert.True(pull.ExitCode == 0, pull.ToString());

        // An anonymous volume (the image's VOLUME), a new named one, the same named one again after a change, and nocopy.
        var anonymous = await _docker.RunAsync("run", "--rm", "--network", "none", image, "sh", "-c", "stat -c '%u:%g %a' /data /data/seed.txt; cat /data/seed.txt /data/sub/inner.txt; readlink /data/etc-link");
        var named = await _docker.RunAsync("run", "--rm", "--network", "none", "-v", "seeded:/data", image, "sh", "-c", "cat /data/seed.txt; echo changed > /data/seed.txt");
        var again = await _docker.RunAsync("run", "--rm", "--network", "none", "-v", "seeded:/data", image, "cat", "/data/seed.txt");
        var nocopy = await _docker.RunAsync("run", "--rm", "--network", "none", "-v", "bare:/data:nocopy", image, "ls", "-A", "/data");
        var mountpoint = (await _docker.RunAsync("volume", "inspect", "-f", "{{.Mountpoint}}", "seeded")).Stdout.Trim();
        var linkOnHost = new FileInfo(Path.Combine(mountpoint, "etc-link")).LinkTarget;
        await _docker.RunAsync("volume", "rm", "seeded", "bare");

        Assert.True(anonymous.ExitCode == 0, anonymous.ToString());
        Assert.Equal("1000:1000 750\n1000:1000 644\nseeded by the image\ninner\n/etc\n", anonymous.Stdout);
        Assert.Equal("seeded by the image\n", named.Stdout);
        Assert.Equal("changed\n", again.Stdout);
        Assert.True(nocopy.ExitCode == 0, nocopy.ToString());
        Assert.Equal("", nocopy.Stdout);
        Assert.Equal("/etc", linkOnHost);
    }

    [Fact]
    public async Task RunDetached_PsLogsStopStartWaitRm_DockerdBehaviour()
    {
        var run = await _docker.RunAsync("run", "-d", "--name", "web", "--network", "none", _image, "sh", "-c", "echo started; trap 'echo bye; exit 7' TERM; while true; do sleep 0.1; done");
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        await WaitForLogAsync("web", "started");

        var ps = await _docker.RunAsync("ps", "--format", "{{.ID}} {{.Names}} {{.Status}}");
        var stop = await _docker.RunAsync("stop", "web");
        var stopAgain = await _docker.RunAsync("stop", "web");
        var inspect = JsonDocument.Parse((await _docker.RunAsync("inspect", "web")).Stdout).RootElement[0];
        var logs = await _docker.RunAsync("logs", "web");
        var start = await _docker.RunAsync("start", "web");
        var wait = _docker.RunAsync("wait", "web");
        await WaitForLogCountAsync("web", "started", 2);
        var kill = await _docker.RunAsync("kill", "-s", "TERM", "web");
        var waited = await wait;
        var rmRunning = await _docker.RunAsync("run", "-d", "--name", "sleeper", "--network", "none", _image, "sleep", "300");
        var refused = await _docker.RunAsync("rm", "sleeper");
        var forced = await _docker.RunAsync("rm", "-f", "sleeper");

        Assert.Contains($"{id[..12]} web Up", ps.Stdout, StringComparison.Ordinal);
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.True(stopAgain.ExitCode == 0, stopAgain.ToString());
        Assert.Equal("exited", inspect.GetProperty("State").GetProperty("Status").GetString());
        Assert.Equal(7, inspect.GetProperty("State").GetProperty("ExitCode").GetInt32());
        Assert.Equal("/web", inspect.GetProperty("Name").GetString());
        Assert.Equal("none", inspect.GetProperty("HostConfig").GetProperty("NetworkMode").GetString());
        Assert.Equal("started\nbye\n", logs.Stdout);
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.True(kill.ExitCode == 0, kill.ToString());
        Assert.Equal("7", waited.Stdout.Trim());
        Assert.True(rmRunning.ExitCode == 0, rmRunning.ToString());
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("cannot remove a running container", refused.Stderr, StringComparison.Ordinal);
        Assert.True(forced.ExitCode == 0, forced.ToString());
    }

    [Fact]
    public async Task Logs_TailAndFollow_SelectAndStream()
    {
        // "late" waits for /tmp/go, which the test creates only once the follower has printed the tail: a fixed
        // sleep raced a slow machine, where "late" was already the last line when the follower started.
        var run = await _docker.RunAsync("run", "-d", "--name", "looper", "--network", "none", _image, "sh", "-c", "for i in 1 2 3 4 5; do echo line$i; done; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo late; sleep 300");
        Assert.True(run.ExitCode == 0, run.ToString());
        await WaitForLogAsync("looper", "line5");

        var tail = await _docker.RunAsync("logs", "--tail", "2", "looper");
        using var follow = BackgroundProcess.Start("/usr/bin/env", "DOCKER_HOST=" + _docker.Daemon.DockerHost, "DOCKER_CONFIG=" + _docker.ConfigDirectory, DockerClient.CliPath, "logs", "-f", "--tail", "1", "looper");
        await follow.WaitForLineAsync("line5", TimeSpan.FromSeconds(30));
        var go = await _docker.RunAsync("exec", "looper", "touch", "/tmp/go");
        await follow.WaitForLineAsync("late", TimeSpan.FromSeconds(30));
        await _docker.RunAsync("stop", "-t", "1", "looper");
        var followExit = await follow.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var timestamps = await _docker.RunAsync("logs", "-t", "--tail", "1", "looper");

        Assert.Equal("line4\nline5\n", tail.Stdout);
        Assert.True(go.ExitCode == 0, go.ToString());
        Assert.Equal(0, followExit);
        Assert.Equal("line5\nlate\n", follow.Output);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z late\n$", timestamps.Stdout);
    }

    [Fact]
    public async Task Exec_ExitCodeAndStdin_AsDocker()
    {
        var run = await _docker.RunAsync("run", "-d", "--name", "sleeper", "--network", "none", _image, "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());

        var exec = await _docker.RunAsync("exec", "sleeper", "sh", "-c", "echo in; exit 4");
        var stdin = await _docker.RunWithInputAsync("hello from stdin\n", "exec", "-i", "sleeper", "cat");
        var top = await _docker.RunAsync("top", "sleeper");
        var pause = await _docker.RunAsync("pause", "sleeper");
        var paused = await _docker.RunAsync("inspect", "-f", "{{.State.Status}}", "sleeper");
        var unpause = await _docker.RunAsync("unpause", "sleeper");
        var rename = await _docker.RunAsync("rename", "sleeper", "renamed");
        var restart = await _docker.RunAsync("restart", "-t", "1", "renamed");
        var running = await _docker.RunAsync("inspect", "-f", "{{.State.Running}} {{.Name}}", "renamed");

        Assert.Equal(4, exec.ExitCode);
        Assert.Equal("in\n", exec.Stdout);
        Assert.Equal("hello from stdin\n", stdin.Stdout);
        Assert.Contains("sleep 300", top.Stdout, StringComparison.Ordinal);
        Assert.True(pause.ExitCode == 0, pause.ToString());
        Assert.Equal("paused", paused.Stdout.Trim());
        Assert.True(unpause.ExitCode == 0, unpause.ToString());
        Assert.True(rename.ExitCode == 0, rename.ToString());
        Assert.True(restart.ExitCode == 0, restart.ToString());
        Assert.Equal("true /renamed", running.Stdout.Trim());
    }

    [Fact]
    public async Task Run_EnvWorkdirUserBindTmpfsReadOnly_Applied()
    {
        var host = Directory.CreateTempSubdirectory("docker-bind-").FullName;
        try
        {
            File.SetUnixFileMode(host, (UnixFileMode)0b111_101_101);
            await File.WriteAllTextAsync(Path.Combine(host, "in.txt"), "from host");
            var run = await _docker.RunAsync("run", "--rm", "--network", "none", "-e", "GREETING=hi", "-w", "/tmp", "-u", "app",
                "-v", host + ":/x:ro", "--tmpfs", "/scratch:size=1m", "--read-only", "--hostname", "box", _image,
                "sh", "-c", "echo $GREETING $(pwd) $(id -u):$(id -g) $(cat /x/in.txt) $(hostname); touch /scratch/ok && echo tmpfs-ok; touch /root-file || echo ro-ok; touch /x/f || echo bind-ro-ok");

            Assert.True(run.ExitCode == 0, run.ToString());
            Assert.Equal("hi /tmp 1000:1000 from host box\ntmpfs-ok\nro-ok\nbind-ro-ok\n", run.Stdout);
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    [Fact]
    public async Task BadInput_UnknownImageBadNameConflict_DockerdStatusesAndNothingInCri()
    {
        var unknown = await _docker.SendAsync(HttpMethod.Post, "v1.45/containers/create", DockerClient.Json("{\"Image\":\"nosuch/image:1\"}"));
        var badName = await _docker.SendAsync(HttpMethod.Post, "v1.45/containers/create?name=-bad", DockerClient.Json($"{{\"Image\":\"{_image}\",\"Cmd\":[\"true\"]}}"));
        var first = await _docker.SendAsync(HttpMethod.Post, "v1.45/containers/create?name=files", DockerClient.Json($"{{\"Image\":\"{_image}\",\"Cmd\":[\"true\"],\"HostConfig\":{{\"NetworkMode\":\"none\"}}}}"));
        var conflict = await _docker.SendAsync(HttpMethod.Post, "v1.45/containers/create?name=files", DockerClient.Json($"{{\"Image\":\"{_image}\",\"Cmd\":[\"true\"],\"HostConfig\":{{\"NetworkMode\":\"none\"}}}}"));
        var named = await _docker.SendAsync(HttpMethod.Post, "v1.45/containers/create", DockerClient.Json($"{{\"Image\":\"{_image}\",\"HostConfig\":{{\"Binds\":[\"..evil:/data\"],\"NetworkMode\":\"none\"}}}}"));
        var missing = await _docker.SendAsync(HttpMethod.Get, "v1.45/containers/nosuch/json");
        var ps = await _docker.RunAsync("ps", "-a", "--format", "{{.Names}}");
        var cri = await _daemon.Runtime.ListContainersAsync(new ListContainersRequest());

        Assert.Empty(cri.Containers);
        Assert.Equal(404, unknown.Status);
        Assert.Contains("No such image: nosuch/image:1", unknown.Body, StringComparison.Ordinal);
        Assert.Equal(400, badName.Status);
        Assert.Contains("Invalid container name", badName.Body, StringComparison.Ordinal);
        Assert.Equal(201, first.Status);
        Assert.Equal(409, conflict.Status);
        Assert.Contains("is already in use", conflict.Body, StringComparison.Ordinal);
        Assert.Equal(400, named.Status);
        Assert.Contains("..evil", named.Body, StringComparison.Ordinal);
        Assert.Equal(404, missing.Status);
        Assert.Equal("files", ps.Stdout.Trim());
    }

    private async Task WaitForLogAsync(string name, string text) => await WaitForLogCountAsync(name, text, 1);

    private async Task WaitForLogCountAsync(string name, string text, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var logs = await _docker.RunAsync("logs", name);
            if (logs.Stdout.Split('\n').Count(l => l == text) >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"log of {name} never had {text} {count} times: {logs}");
            await Task.Delay(100);
        }
    }
}
