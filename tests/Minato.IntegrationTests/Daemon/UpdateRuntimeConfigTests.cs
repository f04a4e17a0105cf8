using System.Net;
using System.Text.Json;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Pods;
using Minato.Testing;

namespace Minato.IntegrationTests.Daemon;

/// <summary>UpdateRuntimeConfig on a real daemon: the kubelet's pod CIDRs stored, shown, kept over a restart, and
/// rendered through a <c>cni_config_template</c> into a network that real CNI plugins then use.</summary>
public sealed class UpdateRuntimeConfigTests : IAsyncLifetime
{
    private static int _counter;

    private string _dir = null!;
    private string _cniDir = null!;
    private string _bridge = null!;
    private string _podCidr = null!;
    private MinatoDaemon? _daemon;

    private string RenderedPath => Path.Combine(_cniDir, "10-minato-net.conflist");

    public Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("minato-it-urc-").FullName;
        _cniDir = Path.Combine(_dir, "net.d");
        Directory.CreateDirectory(_cniDir);
        var n = Interlocked.Increment(ref _counter);
        _bridge = $"mur{Environment.ProcessId % 10000:x4}{n:x2}";
        _podCidr = $"10.235.{((Environment.ProcessId * 7) + (n * 13)) % 200 + 20}.0/24";
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_daemon is not null)
        {
            foreach (var pod in (await _daemon.Runtime.ListPodSandboxAsync(new ListPodSandboxRequest())).Items)
            {
                await _daemon.Runtime.RemovePodSandboxAsync(new RemovePodSandboxRequest { PodSandboxId = pod.Id });
            }

            await _daemon.DisposeAsync();
        }

        await CommandResult.RunAsync("ip", ["link", "delete", _bridge], TimeSpan.FromSeconds(30));
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task UpdateRuntimeConfig_NoTemplate_SucceedsStoresShowsAndWritesNothing()
    {
        var daemon = await StartAsync(withTemplate: false);

        await daemon.Runtime.UpdateRuntimeConfigAsync(Request("10.244.1.0/24,fd00:10:244:1::/64"));

        var info = await PodNetworkInfoAsync(daemon);
        Assert.Equal(["10.244.1.0/24", "fd00:10:244:1::/64"], info.GetProperty("podCidrs").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(["0.0.0.0/0", "::/0"], info.GetProperty("routes").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(JsonValueKind.Null, info.GetProperty("cniConfigTemplate").ValueKind);
        Assert.Empty(Directory.GetFileSystemEntries(_cniDir));
        Assert.False(await NetworkReadyAsync(daemon));
    }

    [Fact]
    public async Task UpdateRuntimeConfig_ThenDaemonRestart_CidrsStillShown()
    {
        var daemon = await StartAsync(withTemplate: false);
        await daemon.Runtime.UpdateRuntimeConfigAsync(Request("fd00:10:244:1::/64,10.244.1.0/24"));
        Assert.Equal(0, await daemon.StopAsync(TimeSpan.FromSeconds(30)));
        await daemon.DisposeAsync();

        var restarted = await StartAsync(withTemplate: false);

        var info = await PodNetworkInfoAsync(restarted);
        Assert.Equal(["fd00:10:244:1::/64", "10.244.1.0/24"], info.GetProperty("podCidrs").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task UpdateRuntimeConfig_EmptyRequest_SucceedsAndChangesNothing()
    {
        var daemon = await StartAsync(withTemplate: true);

        await daemon.Runtime.UpdateRuntimeConfigAsync(new UpdateRuntimeConfigRequest());
        await daemon.Runtime.UpdateRuntimeConfigAsync(Request(""));

        Assert.Empty((await PodNetworkInfoAsync(daemon)).GetProperty("podCidrs").EnumerateArray());
        Assert.False(File.Exists(RenderedPath));
    }

    [Fact]
    public async Task UpdateRuntimeConfig_TemplateAndEmptyCniDir_NetworkReadyFollowsAndPodsGetAddressesFromTheCidr()
    {
        var daemon = await StartAsync(withTemplate: true);
        Assert.False(await NetworkReadyAsync(daemon));

        await daemon.Runtime.UpdateRuntimeConfigAsync(Request(_podCidr));

        Assert.True(await NetworkReadyAsync(daemon));
        using (var rendered = JsonDocument.Parse(await File.ReadAllTextAsync(RenderedPath)))
        {
            var ipam = rendered.RootElement.GetProperty("plugins")[0].GetProperty("ipam");
            Assert.Equal(_podCidr, ipam.GetProperty("ranges")[0][0].GetProperty("subnet").GetString());
            Assert.Equal("0.0.0.0/0", Assert.Single(ipam.GetProperty("routes").EnumerateArray()).GetProperty("dst").GetString());
        }

        var info = await PodNetworkInfoAsync(daemon);
        Assert.Equal(Path.Combine(_dir, "cni.template"), info.GetProperty("cniConfigTemplate").GetString());
        Assert.Equal(RenderedPath, info.GetProperty("renderedFile").GetString());
        var pod = (await daemon.Runtime.RunPodSandboxAsync(new RunPodSandboxRequest { Config = PodConfigs.Kubelet() })).PodSandboxId;
        var ip = (await daemon.Runtime.PodSandboxStatusAsync(new PodSandboxStatusRequest { PodSandboxId = pod })).Status.Network.Ip;
        Assert.True(IPNetwork.Parse(_podCidr).Contains(IPAddress.Parse(ip)), $"{ip} is not in {_podCidr}");
    }

    [Fact]
    public async Task UpdateRuntimeConfig_SameCidrAgainAndAfterRestart_FileNotRewritten()
    {
        var daemon = await StartAsync(withTemplate: true);
        await daemon.Runtime.UpdateRuntimeConfigAsync(Request(_podCidr));
        var longAgo = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(RenderedPath, longAgo);

        await daemon.Runtime.UpdateRuntimeConfigAsync(Request(_podCidr));
        await daemon.StopAsync(TimeSpan.FromSeconds(30));
        await daemon.DisposeAsync();
        var restarted = await StartAsync(withTemplate: true);

        Assert.Equal(longAgo, File.GetLastWriteTimeUtc(RenderedPath));
        Assert.True(await NetworkReadyAsync(restarted));
    }

    [Fact]
    public async Task UpdateRuntimeConfig_RenderedFileDeletedWhileStopped_RestoredAtStartUp()
    {
        var daemon = await StartAsync(withTemplate: true);
        await daemon.Runtime.UpdateRuntimeConfigAsync(Request(_podCidr));
        await daemon.StopAsync(TimeSpan.FromSeconds(30));
        await daemon.DisposeAsync();
        File.Delete(RenderedPath);

        var restarted = await StartAsync(withTemplate: true);

        Assert.True(await NetworkReadyAsync(restarted));
        Assert.Contains(_podCidr, await File.ReadAllTextAsync(RenderedPath), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.244.1.5/24", "has host bits set")]
    [InlineData("10.244.1.0/24,not-a-cidr", "\"not-a-cidr\" is not a CIDR")]
    [InlineData("10.244.1.0/24\",\"type\":\"x", "prefix length")]
    public async Task UpdateRuntimeConfig_BadCidr_InvalidArgumentNamingItAndNothingChanged(string value, string problem)
    {
        var daemon = await StartAsync(withTemplate: true);
        await daemon.Runtime.UpdateRuntimeConfigAsync(Request(_podCidr));
        var before = await File.ReadAllBytesAsync(RenderedPath);

        var e = await Assert.ThrowsAsync<RpcException>(async () => await daemon.Runtime.UpdateRuntimeConfigAsync(Request(value)));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("runtime_config.network_config.pod_cidr", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(problem, e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllBytesAsync(RenderedPath));
        Assert.Equal([_podCidr], (await PodNetworkInfoAsync(daemon)).GetProperty("podCidrs").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Start_TemplateWithUnsupportedConstruct_StopsNamingKeyAndConstruct()
    {
        await File.WriteAllTextAsync(Path.Combine(_dir, "cni.template"), "{\"name\": \"{{.PodCIDR | printf \\\"%q\\\"}}\"}");
        var config = Path.Combine(_dir, "minato.toml");
        await File.WriteAllTextAsync(config, $"cni_config_template = \"{Path.Combine(_dir, "cni.template")}\"\n");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => MinatoDaemon.StartInAsync(_dir, "--config", config, "--cni-config-dir", _cniDir));

        Assert.Contains("key 'cni_config_template'", e.Message, StringComparison.Ordinal);
        Assert.Contains("is not supported", e.Message, StringComparison.Ordinal);
    }

    private static UpdateRuntimeConfigRequest Request(string podCidr) =>
        new() { RuntimeConfig = new RuntimeConfig { NetworkConfig = new NetworkConfig { PodCidr = podCidr } } };

    private static async Task<bool> NetworkReadyAsync(MinatoDaemon daemon) =>
        (await daemon.Runtime.StatusAsync(new StatusRequest())).Status.Conditions.Single(c => c.Type == "NetworkReady").Status;

    private static async Task<JsonElement> PodNetworkInfoAsync(MinatoDaemon daemon)
    {
        var status = await daemon.Runtime.StatusAsync(new StatusRequest { Verbose = true });
        return JsonDocument.Parse(status.Info["podNetwork"]).RootElement.Clone();
    }

    /// <summary>Starts the daemon in the test's directory (so a restart finds the same root), optionally with a bridge template.</summary>
    private async Task<MinatoDaemon> StartAsync(bool withTemplate)
    {
        var args = new List<string> { "--cni-config-dir", _cniDir };
        if (withTemplate)
        {
            var template = Path.Combine(_dir, "cni.template");
            await File.WriteAllTextAsync(template, $$$"""
                {{- /* the test's bridge network, like containerd's documented conf_template */ -}}
                {
                  "cniVersion": "1.0.0",
                  "name": "minato-{{{_bridge}}}",
                  "plugins": [
                    {
                      "type": "bridge", "bridge": "{{{_bridge}}}", "isGateway": true, "ipMasq": false,
                      "ipam": {
                        "type": "host-local",
                        "dataDir": "{{{Path.Combine(_dir, "ipam")}}}",
                        "ranges": [
                          {{- range $i, $range := .PodCIDRRanges}}{{if $i}},{{end}}
                          [{"subnet": "{{$range}}"}]
                          {{- end}}
                        ],
                        "routes": [
                          {{- range $i, $route := .Routes}}{{if $i}},{{end}}
                          {"dst": "{{$route}}"}
                          {{- end}}
                        ]
                      }
                    },
                    {"type": "portmap", "capabilities": {"portMappings": true}}
                  ]
                }
                """);
            var config = Path.Combine(_dir, "minato.toml");
            await File.WriteAllTextAsync(config, $"cni_config_template = \"{template}\"\n");
            args.AddRange(["--config", config]);
        }

        _daemon = await MinatoDaemon.StartInAsync(_dir, [.. args]);
        return _daemon;
    }
}
