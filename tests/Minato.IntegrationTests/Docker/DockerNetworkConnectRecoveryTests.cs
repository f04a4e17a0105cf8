using System.Globalization;
using System.Security.Cryptography;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>A network connected with <c>docker network connect</c> survives a daemon restart and the container's own restart.</summary>
public sealed class DockerNetworkConnectRecoveryTests : IAsyncLifetime
{
    private const string Serve = "mkdir -p /www && echo hello-from-peer > /www/index.html && exec httpd -f -p 80 -h /www";

    private readonly string _dir = Directory.CreateTempSubdirectory("minato-ncr-").FullName;
    private readonly string _bridge = "mzr" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly int _octet = RandomNumberGenerator.GetInt32(0, 256);
    private readonly List<string> _bridges = [];
    private RegistryFixture _registry = null!;
    private string _image = null!;
    private string _config = null!;

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _image = (await _registry.PushAsync(image, "ncr/busybox:1.36")).Reference;
        _config = Path.Combine(_dir, "minato.toml");
        await File.WriteAllTextAsync(_config, string.Create(CultureInfo.InvariantCulture,
            $"[docker_api]\nbridge_name = \"{_bridge}\"\nbridge_subnet = \"10.{168 + (_octet % 16)}.{_octet}.0/24\"\nnetwork_pool = \"10.{184 + (_octet % 8)}.{_octet / 16 * 16}.0/20\"\n"));
        _bridges.Add(_bridge);
    }

    public async Task DisposeAsync()
    {
        await using (var daemon = await StartAsync())
        {
            using var docker = new DockerClient(daemon);
            await docker.RunAsync("rm", "-f", "peer", "mover");
            await docker.RunAsync("network", "rm", "moved");
        }

        await _registry.DisposeAsync();
        foreach (var link in _bridges.Where(l => l.Length > 0 && Directory.Exists($"/sys/class/net/{l}")).Distinct())
        {
            await CommandResult.RunAsync("ip", ["link", "del", link], TimeSpan.FromSeconds(10));
        }

        // The daemons here ran in a directory the test owns, so their networks' rules are the test's to delete.
        await BridgeRules.DeleteForRootAsync(Path.Combine(_dir, "root"));
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task DaemonRestart_ConnectedNetwork_StillConnectedThenRejoinedAtTheContainersRestart()
    {
        string subnet;
        await using (var first = await StartAsync())
        {
            using var docker = new DockerClient(first);
            await MustAsync(docker, "pull", _image);
            await MustAsync(docker, "network", "create", "moved");
            _bridges.Add((await MustAsync(docker, "network", "inspect", "-f", "{{index .Options \"com.docker.network.bridge.name\"}}", "moved")).Stdout.Trim());
            subnet = (await MustAsync(docker, "network", "inspect", "-f", "{{(index .IPAM.Config 0).Subnet}}", "moved")).Stdout.Trim();
            await MustAsync(docker, "run", "-d", "--name", "peer", "--network", "moved", _image, "sh", "-c", Serve);
            await MustAsync(docker, "run", "-d", "--name", "mover", _image, "sleep", "300");
            await MustAsync(docker, "network", "connect", "moved", "mover");
            Assert.Equal(0, await first.StopAsync(TimeSpan.FromSeconds(30)));
        }

        await using var second = await StartAsync();
        using var again = new DockerClient(second);
        var networks = await MustAsync(again, "inspect", "-f", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", "mover");
        var fetched = await RetryAsync(again, "exec", "mover", "wget", "-qO-", "http://peer/");
        await MustAsync(again, "restart", "-t", "0", "mover");
        var addresses = await MustAsync(again, "exec", "mover", "ip", "-o", "-4", "addr");
        var fetchedAgain = await RetryAsync(again, "exec", "mover", "wget", "-qO-", "http://peer/");

        Assert.Equal("bridge moved", networks.Stdout.Trim());
        Assert.Equal("hello-from-peer", fetched.Stdout.Trim());
        Assert.Contains(" " + subnet[..subnet.LastIndexOf('.')] + ".", addresses.Stdout, StringComparison.Ordinal);
        Assert.Contains("eth1", addresses.Stdout, StringComparison.Ordinal);
        Assert.Equal("hello-from-peer", fetchedAgain.Stdout.Trim());
    }

    private Task<MinatoDaemon> StartAsync() =>
        MinatoDaemon.StartInAsync(_dir, "--docker-api", "unix://" + Path.Combine(_dir, "docker.sock"), "--config", _config);

    private static async Task<CommandResult> MustAsync(DockerClient docker, params string[] args)
    {
        var result = await docker.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"docker {string.Join(' ', args)}: {result}");
        return result;
    }

    /// <summary>httpd starts a moment after its container.</summary>
    private static async Task<CommandResult> RetryAsync(DockerClient docker, params string[] args)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await docker.RunAsync(args);
            if (result.ExitCode == 0 || attempt == 20)
            {
                return result;
            }

            await Task.Delay(250);
        }
    }
}
