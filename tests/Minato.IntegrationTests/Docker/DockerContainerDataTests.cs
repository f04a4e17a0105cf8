using System.Formats.Tar;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>A container's data through the real docker CLI and raw HTTP: stats, update, cp (archive), export and diff.</summary>
public sealed class DockerContainerDataTests : IAsyncLifetime, IDisposable
{
    private readonly string _bridge = "mzs" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly int _octet = RandomNumberGenerator.GetInt32(0, 256);
    private readonly string _work = Directory.CreateTempSubdirectory("minato-cp-").FullName;
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _image = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _image = (await _registry.PushAsync(image, "data/busybox:1.36")).Reference;

        // A default bridge and subnets of its own, so daemons running side by side never share addresses.
        var config = Path.Combine(_work, "minato.toml");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture,
            $"[docker_api]\nbridge_name = \"{_bridge}\"\nbridge_subnet = \"10.{200 + (_octet % 16)}.{_octet}.0/24\"\nnetwork_pool = \"10.{216 + (_octet % 8)}.{_octet / 16 * 16}.0/20\"\n"));
        _daemon = await MinatoDaemon.StartWithDockerApiAsync("--config", config);
        _docker = new DockerClient(_daemon);
        var pull = await _docker.RunAsync("pull", _image);
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    public async Task DisposeAsync()
    {
        await _docker.RunAsync("rm", "-f", "busy", "idle", "net", "made", "up", "cpy", "gone", "diffed", "exp", "evil");
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();
        if (Directory.Exists($"/sys/class/net/{_bridge}"))
        {
            await CommandResult.RunAsync("ip", ["link", "del", _bridge], TimeSpan.FromSeconds(10));
        }

        Directory.Delete(_work, recursive: true);
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task Stats_NoStreamBusyContainerWithMemoryLimit_ShowsCpuShareLimitAndPids()
    {
        await RunDetachedAsync("busy", "-m", "64m", _image, "sh", "-c", "while :; do :; done");

        var stats = await _docker.RunAsync("stats", "--no-stream", "--format", "{{json .}}", "busy");

        Assert.True(stats.ExitCode == 0, stats.ToString());
        var row = JsonDocument.Parse(stats.Stdout.Trim()).RootElement;
        var cpu = double.Parse(row.GetProperty("CPUPerc").GetString()!.TrimEnd('%'), CultureInfo.InvariantCulture);
        Assert.True(cpu > 10, stats.Stdout);
        Assert.EndsWith("/ 64MiB", row.GetProperty("MemUsage").GetString(), StringComparison.Ordinal);
        Assert.Equal("1", row.GetProperty("PIDs").GetString());
        Assert.Equal("busy", row.GetProperty("Name").GetString());
    }

    [Fact]
    public async Task Stats_StreamedOverHttp_FramesASecondApartWithPrecpuAndDockerShape()
    {
        await RunDetachedAsync("idle", _image, "sleep", "300");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await _docker.Http.GetAsync("v1.45/containers/idle/stats", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel.Token));
        var first = JsonDocument.Parse((await reader.ReadLineAsync(cancel.Token))!).RootElement;
        var second = JsonDocument.Parse((await reader.ReadLineAsync(cancel.Token))!).RootElement;
        await cancel.CancelAsync();

        Assert.Equal("/idle", second.GetProperty("name").GetString());
        Assert.Equal(64, second.GetProperty("id").GetString()!.Length);
        Assert.Equal(first.GetProperty("read").GetDateTimeOffset(), second.GetProperty("preread").GetDateTimeOffset());
        Assert.True(second.GetProperty("precpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64() > 0, second.ToString());
        Assert.True(second.GetProperty("cpu_stats").GetProperty("system_cpu_usage").GetUInt64() >
            second.GetProperty("precpu_stats").GetProperty("system_cpu_usage").GetUInt64());
        Assert.True(second.GetProperty("cpu_stats").GetProperty("online_cpus").GetInt32() >= 1);
        Assert.True(second.GetProperty("cpu_stats").TryGetProperty("throttling_data", out _));
        var memory = second.GetProperty("memory_stats");
        Assert.True(memory.GetProperty("usage").GetUInt64() > 0);
        Assert.True(memory.GetProperty("stats").TryGetProperty("total_inactive_file", out _) || memory.GetProperty("stats").TryGetProperty("inactive_file", out _));
        Assert.Equal(1UL, second.GetProperty("pids_stats").GetProperty("current").GetUInt64());
        Assert.False(second.TryGetProperty("networks", out _), "a container without a network has no networks");
    }

    [Fact]
    public async Task Stats_OneShot_AnswersAtOnceWithoutPrecpu()
    {
        await RunDetachedAsync("idle", _image, "sleep", "300");

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/containers/idle/stats?stream=false&one-shot=true");

        Assert.Equal(200, status);
        var frame = JsonDocument.Parse(body).RootElement;
        Assert.True(frame.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64() > 0, body);
        Assert.Equal(0UL, frame.GetProperty("precpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64());
    }

    [Fact]
    public async Task Stats_DefaultBridge_ReportsEth0Counters()
    {
        var run = await _docker.RunAsync("run", "-d", "--name", "net", _image, "sleep", "300");
        Assert.True(run.ExitCode == 0, run.ToString());

        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/containers/net/stats?stream=false&one-shot=true");

        Assert.Equal(200, status);
        var eth0 = JsonDocument.Parse(body).RootElement.GetProperty("networks").GetProperty("eth0");
        Assert.True(eth0.TryGetProperty("rx_bytes", out _) && eth0.TryGetProperty("tx_packets", out _) && eth0.TryGetProperty("rx_dropped", out _), body);
    }

    [Fact]
    public async Task Stats_CreatedContainer_ZerosLikeDockerd()
    {
        var create = await _docker.RunAsync("create", "--name", "made", "--network", "none", _image, "true");
        Assert.True(create.ExitCode == 0, create.ToString());

        var stats = await _docker.RunAsync("stats", "--no-stream", "--format", "{{.CPUPerc}} {{.MemUsage}} {{.PIDs}}", "made");
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/containers/made/stats?stream=true");

        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Equal("0.00% 0B / 0B 0", stats.Stdout.Trim());
        Assert.Equal(200, status);
        var frame = JsonDocument.Parse(body.Trim()).RootElement;
        Assert.Equal("/made", frame.GetProperty("name").GetString());
        Assert.Equal(1, DateTimeOffset.Parse(frame.GetProperty("read").GetString()!, CultureInfo.InvariantCulture).Year);
    }

    [Fact]
    public async Task Update_MemoryCpusPidsAndRestartPolicy_AppliedLiveShownByInspectAndKeptAcrossRestart()
    {
        await RunDetachedAsync("up", _image, "sleep", "300");

        var update = await _docker.RunAsync("update", "--memory", "128m", "--cpus", "0.5", "--pids-limit", "50", "--restart", "on-failure:3", "up");

        Assert.True(update.ExitCode == 0, update.ToString());
        var host = JsonDocument.Parse((await _docker.RunAsync("inspect", "-f", "{{json .HostConfig}}", "up")).Stdout).RootElement;
        Assert.Equal(134217728, host.GetProperty("Memory").GetInt64());
        Assert.Equal(500_000_000, host.GetProperty("NanoCpus").GetInt64());
        Assert.Equal(50, host.GetProperty("PidsLimit").GetInt64());
        Assert.Equal("on-failure", host.GetProperty("RestartPolicy").GetProperty("Name").GetString());
        Assert.Equal(3, host.GetProperty("RestartPolicy").GetProperty("MaximumRetryCount").GetInt32());
        await AssertLimitsAsync("up");

        var restart = await _docker.RunAsync("restart", "-t", "1", "up");

        Assert.True(restart.ExitCode == 0, restart.ToString());
        await AssertLimitsAsync("up");
    }

    [Fact]
    public async Task Update_BadValues_RefusedWith400AndNothingChanged()
    {
        await RunDetachedAsync("up", _image, "sleep", "300");

        var tooSmall = await _docker.RunAsync("update", "--memory", "1m", "up");
        var (status, body, _) = await _docker.SendAsync(HttpMethod.Post, "v1.45/containers/up/update", DockerClient.Json("""{"RestartPolicy":{"Name":"sometimes"}}"""));

        Assert.NotEqual(0, tooSmall.ExitCode);
        Assert.Contains("Minimum memory limit", tooSmall.Stderr, StringComparison.Ordinal);
        Assert.Equal(400, status);
        Assert.Contains("sometimes", body, StringComparison.Ordinal);
        var host = JsonDocument.Parse((await _docker.RunAsync("inspect", "-f", "{{json .HostConfig}}", "up")).Stdout).RootElement;
        Assert.Equal(0, host.GetProperty("Memory").GetInt64());
    }

    [Fact]
    public async Task Cp_FileAndDirectoryBothWays_RoundTripsContentAndRunningContainerSeesIt()
    {
        await RunDetachedAsync("cpy", _image, "sleep", "300");
        var file = Path.Combine(_work, "in.txt");
        await File.WriteAllTextAsync(file, "into the container\n");
        var dir = Directory.CreateDirectory(Path.Combine(_work, "tree"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "sub", "leaf"), "leaf\n");

        var fileIn = await _docker.RunAsync("cp", file, "cpy:/tmp/");
        var dirIn = await _docker.RunAsync("cp", dir.FullName, "cpy:/srv");
        var seen = await _docker.RunAsync("exec", "cpy", "sh", "-c", "cat /tmp/in.txt /srv/sub/leaf; stat -c %u /tmp/in.txt");
        var fileOut = await _docker.RunAsync("cp", "cpy:/etc/passwd", Path.Combine(_work, "passwd"));
        var dirOut = await _docker.RunAsync("cp", "cpy:/srv", Path.Combine(_work, "back"));

        Assert.True(fileIn.ExitCode == 0, fileIn.ToString());
        Assert.True(dirIn.ExitCode == 0, dirIn.ToString());
        Assert.Equal("into the container\nleaf\n0\n", seen.Stdout);
        Assert.True(fileOut.ExitCode == 0, fileOut.ToString());
        Assert.StartsWith("root:x:0:0:", await File.ReadAllTextAsync(Path.Combine(_work, "passwd")), StringComparison.Ordinal);
        Assert.True(dirOut.ExitCode == 0, dirOut.ToString());
        Assert.Equal("leaf\n", await File.ReadAllTextAsync(Path.Combine(_work, "back", "sub", "leaf")));
    }

    [Fact]
    public async Task Cp_IntoAndOutOfAVolume_TheRunningContainerSeesTheVolumeNotTheRootfsBelowIt()
    {
        await RunDetachedAsync("cpy", "-v", "/vol", _image, "sleep", "300");
        var file = Path.Combine(_work, "vol.txt");
        await File.WriteAllTextAsync(file, "in the volume\n");

        var copyIn = await _docker.RunAsync("cp", file, "cpy:/vol/");
        var seen = await _docker.RunAsync("exec", "cpy", "cat", "/vol/vol.txt");
        var written = await _docker.RunAsync("exec", "cpy", "sh", "-c", "echo from inside > /vol/back.txt");
        var copyOut = await _docker.RunAsync("cp", "cpy:/vol/back.txt", Path.Combine(_work, "back.txt"));

        Assert.True(copyIn.ExitCode == 0, copyIn.ToString());
        Assert.Equal("in the volume\n", seen.Stdout);
        Assert.True(written.ExitCode == 0 && copyOut.ExitCode == 0, written + copyOut.ToString());
        Assert.Equal("from inside\n", await File.ReadAllTextAsync(Path.Combine(_work, "back.txt")));
    }

    [Fact]
    public async Task Cp_SymlinkToEtcInsideContainer_ResolvesInTheContainerNeverOnTheHost()
    {
        var marker = $"/etc/minato-cp-marker-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
        await File.WriteAllTextAsync(marker, "host secret\n");
        try
        {
            await RunDetachedAsync("cpy", _image, "sleep", "300");
            var link = await _docker.RunAsync("exec", "cpy", "ln", "-s", "/etc", "/tmp/hostetc");
            Assert.True(link.ExitCode == 0, link.ToString());

            var throughLink = await _docker.RunAsync("cp", $"cpy:/tmp/hostetc/{Path.GetFileName(marker)}", Path.Combine(_work, "leak1"));
            var dotDot = await _docker.RunAsync("cp", $"cpy:/../../..{marker}", Path.Combine(_work, "leak2"));
            var followed = await _docker.RunAsync("cp", "-L", "cpy:/tmp/hostetc", Path.Combine(_work, "etc-copy"));

            Assert.NotEqual(0, throughLink.ExitCode);
            Assert.Contains("Could not find the file", throughLink.Stderr, StringComparison.Ordinal);
            Assert.NotEqual(0, dotDot.ExitCode);
            Assert.False(File.Exists(Path.Combine(_work, "leak1")) || File.Exists(Path.Combine(_work, "leak2")));
            Assert.True(followed.ExitCode == 0, followed.ToString());
            Assert.True(File.Exists(Path.Combine(_work, "etc-copy", "passwd")));
            Assert.False(File.Exists(Path.Combine(_work, "etc-copy", Path.GetFileName(marker))), "the host's /etc leaked");
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task ArchivePut_HostileTar_RefusedOrKeptInsideTheContainer()
    {
        await RunDetachedAsync("evil", _image, "sleep", "300");
        var name = $"minato-pwned-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";

        var dotDot = await PutTarAsync("evil", "/tmp", w =>
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"../../../../../../tmp/{name}") { DataStream = new MemoryStream("x"u8.ToArray()) }));
        var throughLink = await PutTarAsync("evil", "/tmp", w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "out") { LinkName = "/tmp" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "up") { LinkName = "../../../../../.." });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"out/{name}") { DataStream = new MemoryStream("x"u8.ToArray()) });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"up/tmp/{name}2") { DataStream = new MemoryStream("x"u8.ToArray()) });
        });
        var missing = await PutTarAsync("evil", "/nowhere", _ => { });
        var notDirectory = await PutTarAsync("evil", "/etc/passwd", _ => { });

        Assert.Equal(HttpStatusCode.BadRequest, dotDot.StatusCode);
        Assert.True(throughLink.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, throughLink.ToString());
        Assert.False(File.Exists($"/tmp/{name}") || File.Exists($"/tmp/{name}2"), "a tar wrote on the host");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notDirectory.StatusCode);
        var passwd = await _docker.RunAsync("exec", "evil", "head", "-c", "5", "/etc/passwd");
        Assert.Equal("root:", passwd.Stdout);
    }

    [Fact]
    public async Task Cp_StoppedContainers_CopiesBothWays()
    {
        var create = await _docker.RunAsync("create", "--name", "made", "--network", "none", _image, "cat", "/tmp/in.txt");
        var exited = await _docker.RunAsync("run", "--name", "gone", "--network", "none", _image, "sh", "-c", "echo bye > /tmp/out.txt");
        var file = Path.Combine(_work, "in.txt");
        await File.WriteAllTextAsync(file, "before start\n");

        var copyIn = await _docker.RunAsync("cp", file, "made:/tmp/in.txt");
        var start = await _docker.RunAsync("start", "-a", "made");
        var copyOut = await _docker.RunAsync("cp", "gone:/tmp/out.txt", Path.Combine(_work, "out.txt"));

        Assert.True(create.ExitCode == 0 && exited.ExitCode == 0, create + exited.ToString());
        Assert.True(copyIn.ExitCode == 0, copyIn.ToString());
        Assert.Equal("before start\n", start.Stdout);
        Assert.True(copyOut.ExitCode == 0, copyOut.ToString());
        Assert.Equal("bye\n", await File.ReadAllTextAsync(Path.Combine(_work, "out.txt")));
    }

    [Fact]
    public async Task ArchiveHead_PathStatHeader_NamesSizeModeAndLinkTarget()
    {
        var create = await _docker.RunAsync("create", "--name", "made", "--network", "none", _image, "true");
        Assert.True(create.ExitCode == 0, create.ToString());

        var (status, _, response) = await _docker.SendAsync(HttpMethod.Head, "v1.45/containers/made/archive?path=/bin/sh");
        var (noPath, _, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/containers/made/archive");
        var (missing, body, _) = await _docker.SendAsync(HttpMethod.Get, "v1.45/containers/made/archive?path=/no/such");

        Assert.Equal(200, status);
        var stat = JsonDocument.Parse(Convert.FromBase64String(response.Headers.GetValues("X-Docker-Container-Path-Stat").Single())).RootElement;
        Assert.Equal("sh", stat.GetProperty("name").GetString());
        Assert.Equal("/bin/busybox", stat.GetProperty("linkTarget").GetString());
        Assert.NotEqual(0u, stat.GetProperty("mode").GetUInt32() & (1u << 27));
        Assert.Equal(400, noPath);
        Assert.Equal(404, missing);
        Assert.Contains("Could not find the file /no/such", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_RunningContainer_TarListsTheRootfs()
    {
        await RunDetachedAsync("exp", _image, "sleep", "300");
        var tar = Path.Combine(_work, "exp.tar");

        var export = await _docker.RunAsync("export", "-o", tar, "exp");
        var list = await CommandResult.RunAsync("tar", ["tf", tar], TimeSpan.FromMinutes(1));

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.True(list.ExitCode == 0, list.ToString());
        var names = list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("bin/sh", names);
        Assert.Contains("bin/busybox", names);
        Assert.Contains("etc/passwd", names);
    }

    [Fact]
    public async Task Diff_AddedChangedDeleted_ReportedWithDockersKinds()
    {
        var run = await _docker.RunAsync("run", "--name", "diffed", "--network", "none", _image, "sh", "-c",
            "mkdir /tmp/new && touch /tmp/new/file && echo x >> /etc/passwd && rm /etc/group");
        Assert.True(run.ExitCode == 0, run.ToString());

        var diff = await _docker.RunAsync("diff", "diffed");

        Assert.True(diff.ExitCode == 0, diff.ToString());
        var lines = diff.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("A /tmp/new", lines);
        Assert.Contains("A /tmp/new/file", lines);
        Assert.Contains("C /etc/passwd", lines);
        Assert.Contains("D /etc/group", lines);
        Assert.Contains("C /etc", lines);
        Assert.DoesNotContain(lines, l => l.EndsWith(" /bin/busybox", StringComparison.Ordinal));
    }

    private async Task RunDetachedAsync(string name, params string[] args)
    {
        var run = await _docker.RunAsync(["run", "-d", "--name", name, "--network", "none", .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    /// <summary>The memory and CPU limits of <c>docker update --memory 128m --cpus 0.5 --pids-limit 50</c> in the cgroup files.</summary>
    private async Task AssertLimitsAsync(string name)
    {
        var pid = (await _docker.RunAsync("inspect", "-f", "{{.State.Pid}}", name)).Stdout.Trim();
        var paths = (await File.ReadAllLinesAsync($"/proc/{pid}/cgroup")).Select(l => l.Split(':', 3)).ToList();
        string V1(string controller) => "/sys/fs/cgroup/" + controller + paths.Single(p => p[1].Split(',').Contains(controller))[2];
        if (paths.Any(p => p[1] == "memory"))
        {
            Assert.Equal("134217728", (await File.ReadAllTextAsync(Path.Combine(V1("memory"), "memory.limit_in_bytes"))).Trim());
            Assert.Equal("50000", (await File.ReadAllTextAsync(Path.Combine(V1("cpu"), "cpu.cfs_quota_us"))).Trim());
            Assert.Equal("50", (await File.ReadAllTextAsync(Path.Combine(V1("pids"), "pids.max"))).Trim());
        }
        else
        {
            var unified = "/sys/fs/cgroup" + paths.Single(p => p[1].Length == 0)[2];
            Assert.Equal("134217728", (await File.ReadAllTextAsync(Path.Combine(unified, "memory.max"))).Trim());
            Assert.Equal("50000 100000", (await File.ReadAllTextAsync(Path.Combine(unified, "cpu.max"))).Trim());
            Assert.Equal("50", (await File.ReadAllTextAsync(Path.Combine(unified, "pids.max"))).Trim());
        }
    }

    private async Task<HttpResponseMessage> PutTarAsync(string container, string path, Action<TarWriter> write)
    {
        var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            write(writer);
        }

        buffer.Position = 0;
        using var content = new StreamContent(buffer);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-tar");
        return await _docker.Http.PutAsync($"v1.45/containers/{container}/archive?path={Uri.EscapeDataString(path)}&noOverwriteDirNonDir=true", content);
    }
}
