using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;
using Xunit.Abstractions;

namespace Minato.IntegrationTests.Containers;

/// <summary>The daemon killed with SIGKILL while a CreateContainer runs: after a restart the container is complete or gone.</summary>
public sealed class ContainerCreateCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string CgroupParent = $"/minato-it-crash-{Environment.ProcessId}";

    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-ctr-crash-").FullName;
    private RegistryFixture _registry = null!;
    private TestNetwork _network = null!;
    private PodSandboxConfig _pod = null!;
    private string _image = null!;

    private string Home => Path.Combine(_dir, "d");

    public async Task InitializeAsync()
    {
        _registry = await RegistryFixture.StartAsync();
        await _registry.PushAsync(await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox()), "library/busybox:1.36");
        _image = $"{_registry.Host}/library/busybox:1.36";
        _network = TestNetwork.Create();
        _pod = PodConfigs.Kubelet();
        _pod.Linux.CgroupParent = CgroupParent;
        Directory.CreateDirectory(Home);
    }

    public async Task DisposeAsync()
    {
        await using (var daemon = await StartAsync())
        {
            foreach (var pod in (await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
            {
                await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
            }
        }

        foreach (var parent in Hierarchies().Select(h => Path.Combine(h, CgroupParent[1..])).Where(Directory.Exists))
        {
            Directory.Delete(parent);
        }

        await _network.DisposeAsync();
        await _registry.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_pod.LogDirectory))
        {
            Directory.Delete(_pod.LogDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task DaemonKilledDuringCreateContainer_AfterRestartCompleteOrGoneNothingLeftAndTheNameIsFree()
    {
        string podId;
        await using (var first = await StartAsync())
        {
            await first.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = _image } });
            podId = (await first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        }

        // From before the call reaches the core to after conmon reported: each delay lands in a different step.
        foreach (var delay in new[] { 0, 40, 110, 140, 170, 200, 300 })
        {
            bool answered;
            string atKill;
            await using (var doomed = await StartAsync())
            {
                var call = doomed.Runtime.CreateContainerAsync(Request(podId)).ResponseAsync;
                await Task.Delay(delay);
                ProcessSignals.Send(doomed.ProcessId, ProcessSignals.SigKill);
                await doomed.StopAsync(TimeSpan.FromSeconds(30));
                answered = await call.ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default);
                atKill = string.Join(", ", Leftovers(doomed).Select(l => l.Kind.Split(' ')[0]).Distinct());
            }

            await using var daemon = await StartAsync();
            var listed = (await daemon.Runtime.ListContainersAsync(new ListContainersRequest { Filter = new ContainerFilter { PodSandboxId = podId } })).Containers;
            output.WriteLine($"killed after {delay} ms: answered {answered}, left at the kill [{atKill}], {listed.Count} container(s) after the restart");
            Assert.True(listed.Count <= 1);
            Assert.All(listed, c => Assert.Equal(ContainerState.ContainerCreated, c.State));
            if (answered)
            {
                Assert.Single(listed);
            }

            await AssertOnlyTheseLeftAsync(daemon, listed.Select(c => c.Id).ToList());
            foreach (var container in listed)
            {
                await daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = container.Id });
            }

            var again = (await daemon.Runtime.CreateContainerAsync(Request(podId))).ContainerId;
            await daemon.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = again });
            await AssertOnlyTheseLeftAsync(daemon, []);
        }
    }

    /// <summary>Bundles, writable layers, mounts, exit files, conmon processes and cgroups exist for <paramref name="ids"/> only.</summary>
    /// <remarks>A monitor that was still creating when the daemon died may finish after the restart: allow it a few seconds.</remarks>
    private static async Task AssertOnlyTheseLeftAsync(MinatoDaemon daemon, IReadOnlyList<string> ids)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var leftovers = Leftovers(daemon).Where(l => !ids.Contains(l.Id)).ToList();
            if (leftovers.Count == 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "left behind: " + string.Join(", ", leftovers.Select(l => $"{l.Kind} {l.Id}")));
            await Task.Delay(100);
        }
    }

    private static IEnumerable<(string Kind, string Id)> Leftovers(MinatoDaemon daemon)
    {
        foreach (var (kind, dir) in new[] { ("bundle", Path.Combine(daemon.State, "containers")), ("layer", Path.Combine(daemon.Root, "containers")), ("exit file", Path.Combine(daemon.State, "exits")) })
        {
            foreach (var entry in Directory.Exists(dir) ? Directory.GetFileSystemEntries(dir) : [])
            {
                yield return (kind, Path.GetFileName(entry));
            }
        }

        var bundles = Path.Combine(daemon.State, "containers") + "/";
        foreach (var mountPoint in File.ReadLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4]).Where(m => m.StartsWith(bundles, StringComparison.Ordinal)))
        {
            yield return ("mount", mountPoint[bundles.Length..].Split('/')[0]);
        }

        foreach (var cgroup in Hierarchies().Select(h => Path.Combine(h, CgroupParent[1..])).Where(Directory.Exists).SelectMany(Directory.GetDirectories))
        {
            yield return ("cgroup " + cgroup, Path.GetFileName(cgroup).Replace("minato-", string.Empty, StringComparison.Ordinal));
        }

        foreach (var process in Directory.GetDirectories("/proc").Where(p => Path.GetFileName(p).All(char.IsAsciiDigit)))
        {
            string[] argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(process, "cmdline")).Split('\0');
            }
            catch (IOException)
            {
                continue;
            }

            if (argv.Length > 3 && Path.GetFileName(argv[0]) == "conmon" && argv.Any(a => a.StartsWith(daemon.State, StringComparison.Ordinal)))
            {
                yield return ("conmon " + Path.GetFileName(process), argv[Array.IndexOf(argv, "-c") + 1]);
            }
        }
    }

    private static IEnumerable<string> Hierarchies() => ["/sys/fs/cgroup", .. Directory.EnumerateDirectories("/sys/fs/cgroup")];

    private CreateContainerRequest Request(string podId)
    {
        var config = new ContainerConfig { Metadata = new ContainerMetadata { Name = "crash" }, Image = new ImageSpec { Image = _image }, LogPath = "crash.log" };
        config.Command.AddRange(["sleep", "600"]);
        return new CreateContainerRequest { PodSandboxId = podId, Config = config, SandboxConfig = _pod };
    }

    private Task<MinatoDaemon> StartAsync() => MinatoDaemon.StartInAsync(Home, "--cni-config-dir", _network.ConfigDir);
}
