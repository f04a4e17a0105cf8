using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;
using Minato.Testing.Network;

namespace Minato.IntegrationTests.Network;

/// <summary>A CNI plugin that hangs or crashes in ADD or DEL, and a reboot that took the pod's namespace: the real bridge,
/// host-local and portmap plugins do the work, wrapped by a script that misbehaves after (ADD) or instead of (DEL) the
/// real run on the command the test chooses. Nothing may be left: addresses, veths, firewall rules, namespaces.</summary>
public sealed class CniPluginFaultTests : IAsyncLifetime
{
    private const int TimeoutSeconds = 2;

    private readonly string _dir = Directory.CreateTempSubdirectory("minato-it-cni-fault-").FullName;
    private readonly PodSandboxConfig _pod = PodConfigs.Kubelet();
    private TestNetwork _network = null!;

    private string PluginDir => Path.Combine(_dir, "plugins");

    private string Home => Path.Combine(_dir, "d");

    /// <summary>One line per run of the wrapper: the command and the container id.</summary>
    private string Calls => Path.Combine(_dir, "calls");

    /// <summary>The pids of wrapper runs that hung, one a line.</summary>
    private string Hung => Path.Combine(_dir, "hung");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(PluginDir);
        Directory.CreateDirectory(Home);
        _network = TestNetwork.Create();

        // The network of TestNetwork with its bridge plugin behind the wrapper, masquerading (so the bridge plugin adds
        // firewall rules of its own) and portmap after it.
        var conflist = Directory.GetFiles(_network.ConfigDir).Single();
        File.WriteAllText(conflist, File.ReadAllText(conflist)
            .Replace("\"type\":\"bridge\"", "\"type\":\"flaky\"", StringComparison.Ordinal)
            .Replace("\"ipMasq\":false", "\"ipMasq\":true", StringComparison.Ordinal));
        var plugin = Path.Combine(PluginDir, "flaky");
        File.WriteAllText(plugin, $"""
            #!/bin/sh
            echo "$CNI_COMMAND $CNI_CONTAINERID" >> {Calls}
            mode=$(cat {_dir}/mode-$CNI_COMMAND 2>/dev/null)
            if [ "$CNI_COMMAND" = DEL ] && [ -n "$mode" ]; then out=''; rc=0; else out=$(/usr/lib/cni/bridge); rc=$?; fi
            case "$mode" in
              hang) echo $$ >> {Hung}; exec sleep 3600 ;;
              crash) kill -KILL $$ ;;
            esac
            printf '%s\n' "$out"
            exit $rc

            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Path.Combine(_dir, "minato.toml"), $"cni_timeout_seconds = {TimeoutSeconds}\n");
        _pod.PortMappings.Add(new PortMapping { ContainerPort = 80, HostPort = 38080 + (Environment.ProcessId % 1000), Protocol = Protocol.Tcp });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _network.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData("hang", "CNI plugin flaky did not finish within 2s and was killed")]
    [InlineData("crash", "CNI plugin flaky ADD failed")]
    public async Task RunPodSandbox_PluginFailsAfterItsRealAdd_FailsInBoundedTimeAndLeavesNothing(string mode, string message)
    {
        Mode("ADD", mode);
        await using var daemon = await StartAsync();

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod }));

        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(TimeoutSeconds * 5), $"took {clock.Elapsed}");
        Assert.Single(CallsOf("ADD"));

        // The address the real ADD took, its veth and its masquerade rule: the rollback's DEL released them.
        await AssertNothingLeftAsync(daemon);
    }

    [Fact]
    public async Task StopPodSandbox_DelHangs_FailsAfterOneTimeoutThenRemoveSucceedsOnceDelWorks()
    {
        await using var daemon = await StartAsync();
        var id = (await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        Assert.Single(_network.AllocatedAddresses());
        Assert.NotEmpty(await RulesAsync());
        Mode("DEL", "hang");

        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }));

        Assert.Contains("did not finish within 2s", e.Status.Detail, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(TimeoutSeconds * 3), $"a hung DEL is not tried again within the call: took {clock.Elapsed}");
        Assert.Single(CallsOf("DEL"));
        AssertNoHungPluginLeft();

        // Not wedged: the pod answers and is NOTREADY; the next Stop tries DEL again (and hangs again, bounded).
        var status = await daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id });
        Assert.Equal(PodSandboxState.SandboxNotready, status.Status.State);
        await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }));
        Assert.Equal(2, CallsOf("DEL").Count);

        Mode("DEL", null);
        await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });

        await AssertNothingLeftAsync(daemon);
    }

    [Fact]
    public async Task StopPodSandbox_DelCrashes_RetriedThenFailsAndTheNextStopReleasesEverything()
    {
        await using var daemon = await StartAsync();
        var id = (await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
        Mode("DEL", "crash");

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
            await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id }));

        Assert.Contains("CNI plugin flaky DEL failed", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(3, CallsOf("DEL").Count);
        Assert.Single(_network.AllocatedAddresses());

        Mode("DEL", null);
        await daemon.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        Assert.Empty(_network.AllocatedAddresses());
        Assert.Empty(await RulesAsync());
        await daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });

        await AssertNothingLeftAsync(daemon);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reboot_NamespaceGone_AddressReleasedAtStartUpOrByTheNextStop(bool delHangs)
    {
        string id;
        await using (var first = await StartAsync())
        {
            id = (await first.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = _pod })).PodSandboxId;
            ProcessSignals.Send(first.ProcessId, ProcessSignals.SigKill);
            await first.StopAsync(TimeSpan.FromSeconds(30));
        }

        // What a reboot does: /run is empty (no pinned namespaces, no pod directories), /var/lib/cni is not.
        var mounts = File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(p => p.StartsWith(Home + "/", StringComparison.Ordinal)).OrderByDescending(p => p.Length);
        foreach (var point in mounts)
        {
            await CommandResult.RunAsync("umount", ["-l", point], TimeSpan.FromSeconds(10));
        }

        Directory.Delete(Path.Combine(Home, "state"), recursive: true);
        await FlushMasqueradeRulesAsync();
        Assert.Single(_network.AllocatedAddresses());
        Mode("DEL", delHangs ? "hang" : null);

        var clock = Stopwatch.StartNew();
        await using var second = await StartAsync();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"start-up took {clock.Elapsed}");
        var status = await second.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = id });
        Assert.Equal(PodSandboxState.SandboxNotready, status.Status.State);
        if (delHangs)
        {
            Assert.Single(_network.AllocatedAddresses());
            Assert.Contains("CNI DEL failed; StopPodSandbox will try again", second.Output, StringComparison.Ordinal);
            Mode("DEL", null);
        }
        else
        {
            Assert.Empty(_network.AllocatedAddresses());
            Assert.Empty(await RulesAsync());
        }

        await second.Runtime.StopPodSandboxAsync(new StopPodSandboxRequest { PodSandboxId = id });
        await second.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = id });
        await AssertNothingLeftAsync(second);
    }

    private Task<MinatoDaemon> StartAsync() => MinatoDaemon.StartInAsync(Home,
        "--config", Path.Combine(_dir, "minato.toml"), "--cni-config-dir", _network.ConfigDir,
        "--cni-plugin-dir", "/usr/lib/cni", "--cni-plugin-dir", PluginDir);

    /// <summary>How the wrapper behaves on <paramref name="command"/>: "hang", "crash", or null for the real plugin alone.</summary>
    private void Mode(string command, string? mode)
    {
        var path = Path.Combine(_dir, "mode-" + command);
        if (mode is null)
        {
            File.Delete(path);
        }
        else
        {
            File.WriteAllText(path, mode);
        }
    }

    private List<string> CallsOf(string command) => File.Exists(Calls)
        ? File.ReadAllLines(Calls).Where(l => l.StartsWith(command + " ", StringComparison.Ordinal)).ToList()
        : [];

    /// <summary>The nat and filter rules naming this test's network (the plugins tag theirs with it).</summary>
    private async Task<List<string>> RulesAsync()
    {
        var rules = new List<string>();
        foreach (var table in new[] { "nat", "filter" })
        {
            var dump = await CommandResult.RunAsync("iptables-save", ["-t", table], TimeSpan.FromSeconds(30));
            rules.AddRange(dump.Stdout.Split('\n').Where(l => l.Contains(_network.Name, StringComparison.Ordinal)));
        }

        return rules;
    }

    /// <summary>A reboot also empties the firewall. The bridge plugin's DEL removes its masquerade rule only through the
    /// container's interface, which is gone with the namespace, so the simulated reboot removes it as the real one would.</summary>
    private async Task FlushMasqueradeRulesAsync()
    {
        var dump = await CommandResult.RunAsync("iptables-save", ["-t", "nat"], TimeSpan.FromSeconds(30));
        foreach (var line in dump.Stdout.Split('\n').Where(l => l.StartsWith("-A POSTROUTING ", StringComparison.Ordinal) && l.Contains(_network.Name, StringComparison.Ordinal)))
        {
            var chain = Regex.Match(line, @"-j (CNI-[0-9a-f]+)").Groups[1].Value;
            var source = Regex.Match(line, @"-s (\S+)").Groups[1].Value;
            var comment = Regex.Match(line, "--comment \"(.*)\" -j ").Groups[1].Value.Replace("\\\"", "\"", StringComparison.Ordinal);
            await CommandResult.RunAsync("iptables", ["-t", "nat", "-D", "POSTROUTING", "-s", source, "-m", "comment", "--comment", comment, "-j", chain], TimeSpan.FromSeconds(30));
            await CommandResult.RunAsync("iptables", ["-t", "nat", "-F", chain], TimeSpan.FromSeconds(30));
            await CommandResult.RunAsync("iptables", ["-t", "nat", "-X", chain], TimeSpan.FromSeconds(30));
        }
    }

    private void AssertNoHungPluginLeft()
    {
        foreach (var pid in File.Exists(Hung) ? File.ReadAllLines(Hung) : [])
        {
            Assert.False(File.Exists($"/proc/{pid.Trim()}/cmdline") && File.ReadAllText($"/proc/{pid.Trim()}/cmdline").Contains("sleep", StringComparison.Ordinal),
                $"the hung plugin {pid} was not killed");
        }
    }

    private async Task AssertNothingLeftAsync(MinatoDaemon daemon)
    {
        Assert.Empty((await daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items);
        var pods = Path.Combine(daemon.State, "pods");
        Assert.True(!Directory.Exists(pods) || Directory.GetFileSystemEntries(pods).Length == 0);
        Assert.DoesNotContain(daemon.State + "/pods/", await File.ReadAllTextAsync("/proc/self/mountinfo"), StringComparison.Ordinal);
        Assert.Empty(_network.AllocatedAddresses());
        Assert.Empty(await RulesAsync());
        var veths = await CommandResult.RunAsync("ip", ["-o", "link", "show", "master", _network.Bridge], TimeSpan.FromSeconds(10));
        Assert.True(veths.Stdout.Trim().Length == 0, $"veths left on {_network.Bridge}: {veths.Stdout}");
        AssertNoHungPluginLeft();
    }
}
