using System.Globalization;
using System.Text.Json;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Minato.Testing;

namespace Minato.IntegrationTests.Pods;

/// <summary>A user-namespaced pod that shares its pid namespace, and one container that uses every Kubernetes 1.36 pod
/// feature at once (issue 14's "done when").</summary>
public sealed partial class UserNamespacePodTests
{
    /// <summary>Each feature checked from inside one container, a line each (and a CRI device renamed like the CDI one), then
    /// <c>done</c> and a wait (for the host side).</summary>
    private const string TogetherScript =
        "echo uid=$(id -u); echo image-owner=$(stat -c %u:%g /image/bin/busybox); cat /image/etc/passwd >/dev/null && echo image-read=ok; " +
        "touch /image/x 2>/dev/null && echo image-write=allowed || echo image-write=refused; " +
        "/image/bin/busybox true 2>/dev/null && echo image-exec=allowed || echo image-exec=refused; " +
        "cat /rro/sub/marker; touch /rro/top 2>/dev/null && echo rro-top=writable || echo rro-top=readonly; " +
        "touch /rro/sub/new 2>/dev/null && echo rro-sub=writable || echo rro-sub=readonly; " +
        "echo cdi-env=$CDI_USERNS; test -c /dev/minato-userns0 && echo cdi-node=char; echo x > /dev/minato-userns0 && echo cdi-write=ok; " +
        "echo device-read=$(head -c 3 /dev/minato-zero | wc -c); " +
        "echo done; sleep 300";

    /// <summary>pid 1's name, how many sleeps the container sees, its own uid and its pid namespace, one a line.</summary>
    private const string ProcessesScript =
        "echo 1=$(ps -o pid,comm | awk '$1 == 1 { print $2 }'); echo sleep=$(ps -o comm | grep -c '^sleep$'); echo uid=$(id -u); echo pidns=$(readlink /proc/self/ns/pid)";

    [Fact]
    public async Task UsernsPodSharingItsPidNamespace_InitIsPidOneOwnedByThePodsUserNamespaceAndSurvivesARestart()
    {
        var (podId, pod) = await RunPodAsync(p => p.Linux.SecurityContext.NamespaceOptions.Pid = NamespaceMode.Pod);
        var init = (await PodInfoAsync(podId)).GetProperty("pidNamespaceInit").GetInt32();
        var userPin = Path.Combine(_daemon.State, "pods", podId, "ns", "user");
        var pidPin = Path.Combine(_daemon.State, "pods", podId, "ns", "pid");
        var sleeper = await CreateAsync(podId, pod, SharingPid(Container("sleeper", "sleep", "300")));
        await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = sleeper });

        // The init holds the pod's mapped root on the host, never host root, and the kernel names the pod's user namespace
        // as the owner of the pid namespace.
        var initStatus = await File.ReadAllLinesAsync($"/proc/{init}/status");
        Assert.Equal($"Uid:\t{HostBase}\t{HostBase}\t{HostBase}\t{HostBase}", initStatus.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)));
        Assert.Equal(NamespaceInode(userPin), await OwnerOfPidNamespaceAsync(init));
        Assert.Equal(NamespaceInode(pidPin), NamespaceInode($"/proc/{init}/ns/pid"));

        var seen = await RunToExitAsync(podId, pod, SharingPid(Container("looker", "sh", "-c", ProcessesScript)));
        Assert.Equal(["1=catatonit", "sleep=1", "uid=0", $"pidns={NamespaceLink(pidPin)}"], seen);

        // exec joins the same pid namespace: the pod's init, not the container's process, is pid 1.
        Assert.Equal(["catatonit", "0"], Lines(await ExecAsync(sleeper, "sh", "-c", "cat /proc/1/comm; id -u")));

        ProcessSignals.Send(_daemon.ProcessId, ProcessSignals.SigKill);
        await _daemon.DisposeAsync();
        _daemon = await StartAsync();

        Assert.Equal(PodSandboxState.SandboxReady, (await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId })).Status.State);
        var after = await RunToExitAsync(podId, pod, SharingPid(Container("after", "sh", "-c", ProcessesScript)));
        Assert.Equal(seen, after);

        await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = podId });
        // unshare, the init's parent, reaps it a moment after the kill.
        for (var i = 0; i < 100 && Directory.Exists($"/proc/{init}"); i++)
        {
            await Task.Delay(50);
        }

        Assert.False(Directory.Exists($"/proc/{init}"));
        Assert.False(IsMounted(pidPin));
        Assert.False(IsMounted(userPin));
    }

    [Fact]
    public async Task UsernsPod_ImageVolumeRecursiveReadOnlyMountAndCdiDeviceInOneContainer_EachHoldsInside()
    {
        var tree = Path.Combine(_dir, "rro");
        var sub = Path.Combine(tree, "sub");
        Directory.CreateDirectory(sub);
        var mounted = await CommandResult.RunAsync("mount", ["-t", "tmpfs", "-o", "size=1m", "minato-userns-rro", sub], TimeSpan.FromSeconds(10));
        Assert.True(mounted.ExitCode == 0, mounted.Stderr);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(sub, "marker"), "submount-visible\n");
            await File.WriteAllTextAsync(Path.Combine(CdiDirectory, "userns.json"), """
                {"cdiVersion": "0.6.0", "kind": "example.com/userns", "devices": [{"name": "null0", "containerEdits": {
                  "env": ["CDI_USERNS=null0"],
                  "deviceNodes": [{"path": "/dev/minato-userns0", "hostPath": "/dev/null", "permissions": "rw"}]}}]}
                """);
            var (podId, pod) = await RunPodAsync();
            var config = Container("together", "sh", "-c", TogetherScript);
            config.Mounts.Add(new Mount { ContainerPath = "/image", Image = new ImageSpec { Image = _busybox } });
            config.Mounts.Add(new Mount { ContainerPath = "/rro", HostPath = tree, Readonly = true, RecursiveReadOnly = true });
            config.CDIDevices.Add(new CDIDevice { Name = "example.com/userns=null0" });
            config.Devices.Add(new Device { ContainerPath = "/dev/minato-zero", HostPath = "/dev/zero", Permissions = "rw" });
            var id = await CreateAsync(podId, pod, config);
            await _daemon.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });

            var output = await StdoutUntilAsync(id, "done");
            var hostStatus = await File.ReadAllLinesAsync($"/proc/{await PidAsync(id)}/status");

            Assert.Equal(
                ["uid=0", "image-owner=0:0", "image-read=ok", "image-write=refused", "image-exec=refused",
                 "submount-visible", "rro-top=readonly", "rro-sub=readonly",
                 "cdi-env=null0", "cdi-node=char", "cdi-write=ok", "device-read=3", "done"],
                output);
            Assert.Equal($"Uid:\t{HostBase}\t{HostBase}\t{HostBase}\t{HostBase}", hostStatus.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)));
            await File.WriteAllTextAsync(Path.Combine(sub, "from-host"), "ok");
            Assert.Equal("ok", await File.ReadAllTextAsync(Path.Combine(sub, "from-host")));
        }
        finally
        {
            await CommandResult.RunAsync("umount", ["-l", sub], TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>The container's stdout lines once one of them is <paramref name="last"/>.</summary>
    private async Task<IReadOnlyList<string>> StdoutUntilAsync(string id, string last)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var status = (await _daemon.Runtime.ContainerStatusAsync(new ContainerStatusRequest { ContainerId = id })).Status;
            var run = new ContainerRun(status, ContainerPodFixture.ParseLog(await File.ReadAllLinesAsync(status.LogPath)));
            if (run.Stdout.Contains(last))
            {
                return run.Stdout;
            }

            Assert.True(status.State == ContainerState.ContainerRunning && DateTime.UtcNow < deadline,
                $"container {id} is {status.State} without '{last}': {string.Join('\n', run.Stdout.Concat(run.Lines("stderr")))}");
            await Task.Delay(50);
        }
    }

    private static ContainerConfig SharingPid(ContainerConfig config)
    {
        config.Linux.SecurityContext.NamespaceOptions.Pid = NamespaceMode.Pod;
        return config;
    }

    private static string NamespaceLink(string pin) => $"pid:[{NamespaceInode(pin)}]";

    private static ulong NamespaceInode(string path)
    {
        // A pin is an nsfs bind mount: its inode number is the namespace's id, as in the /proc/PID/ns links.
        var link = new FileInfo(path).LinkTarget;
        if (link is not null)
        {
            return ulong.Parse(link[(link.IndexOf('[', StringComparison.Ordinal) + 1)..^1], CultureInfo.InvariantCulture);
        }

        var stat = CommandResult.RunAsync("stat", ["-L", "-c", "%i", path], TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        Assert.True(stat.ExitCode == 0, stat.Stderr);
        return ulong.Parse(stat.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    /// <summary>The inode of the user namespace that owns the pid namespace of <paramref name="pid"/> (lsns's ONS column).</summary>
    private static async Task<ulong> OwnerOfPidNamespaceAsync(int pid)
    {
        var lsns = await CommandResult.RunAsync("lsns", ["-n", "-t", "pid", "-p", $"{pid}", "-o", "ONS"], TimeSpan.FromSeconds(10));
        Assert.True(lsns.ExitCode == 0, lsns.Stderr);
        return ulong.Parse(lsns.Stdout.Trim(), CultureInfo.InvariantCulture);
    }

    private async Task<JsonElement> PodInfoAsync(string podId)
    {
        var status = await _daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = podId, Verbose = true });
        using var info = JsonDocument.Parse(status.Info["info"]);
        return info.RootElement.Clone();
    }
}
