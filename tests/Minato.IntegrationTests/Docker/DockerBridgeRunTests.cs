using System.Globalization;
using System.Security.Cryptography;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary><c>docker run</c> on the default bridge and on a user-defined network, as a CI job or compose project does:
/// an address from the network, a published port reachable from the host, names resolved between containers.</summary>
public sealed class DockerBridgeRunTests : IAsyncLifetime, IDisposable
{
    private const string Serve = "mkdir -p /www && echo hello-from-$(hostname) > /www/index.html && exec httpd -f -p 80 -h /www";

    private readonly string _bridge = "mzt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly int _octet = RandomNumberGenerator.GetInt32(0, 256);
    private RegistryFixture _registry = null!;
    private MinatoDaemon _daemon = null!;
    private DockerClient _docker = null!;
    private string _image = null!;

    /// <summary>The default network's subnet: one of its own per test daemon, so daemons running side by side never
    /// hand out the same addresses on two bridges.</summary>
    private string Subnet => string.Create(CultureInfo.InvariantCulture, $"10.{168 + (_octet % 16)}.{_octet}.0/24");

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        _image = (await _registry.PushAsync(image, "bridge/busybox:1.36")).Reference;
        var config = Path.Combine(Path.GetTempPath(), $"minato-{_bridge}.toml");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture,
            $"[docker_api]\nbridge_name = \"{_bridge}\"\nbridge_subnet = \"{Subnet}\"\nnetwork_pool = \"10.{184 + (_octet % 8)}.{_octet / 16 * 16}.0/20\"\n"));
        _daemon = await MinatoDaemon.StartWithDockerApiAsync("--config", config);
        File.Delete(config);
        _docker = new DockerClient(_daemon);
        var pull = await _docker.RunAsync("pull", _image);
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    public async Task DisposeAsync()
    {
        var userBridge = (await _docker.RunAsync("network", "inspect", "-f", "{{index .Options \"com.docker.network.bridge.name\"}}", "app")).Stdout.Trim();
        await _docker.RunAsync("rm", "-f", "pub", "web");
        await _docker.RunAsync("network", "rm", "app");
        await _daemon.DisposeAsync();
        await _registry.DisposeAsync();

        // The bridge plugin makes a bridge on first use and never deletes it.
        foreach (var link in new[] { _bridge, userBridge }.Where(l => l.Length > 0 && Directory.Exists($"/sys/class/net/{l}")))
        {
            await CommandResult.RunAsync("ip", ["link", "del", link], TimeSpan.FromSeconds(10));
        }
    }

    public void Dispose() => _docker.Dispose();

    [Fact]
    public async Task Run_DefaultNetwork_GetsAnAddressOfTheBridgeAndPublishesAPortToTheHost()
    {
        var run = await _docker.RunAsync("run", "--rm", _image, "ip", "-o", "-4", "addr", "show", "eth0");
        var publish = await _docker.RunAsync("run", "-d", "--name", "pub", "-p", "127.0.0.1::80", _image, "sh", "-c", Serve);
        Assert.True(publish.ExitCode == 0, publish.ToString());
        var port = (await _docker.RunAsync("port", "pub", "80")).Stdout.Trim();
        var body = await GetWithRetriesAsync($"http://{port}/");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($" {Subnet[..Subnet.LastIndexOf('.')]}.", run.Stdout, StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1:", port, StringComparison.Ordinal);
        Assert.StartsWith("hello-from-", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UserNetwork_ContainersReachEachOtherByName()
    {
        Assert.Equal(0, (await _docker.RunAsync("network", "create", "app")).ExitCode);
        var web = await _docker.RunAsync("run", "-d", "--network", "app", "--name", "web", _image, "sh", "-c", Serve);
        Assert.True(web.ExitCode == 0, web.ToString());

        CommandResult fetch = null!;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            fetch = await _docker.RunAsync("run", "--rm", "--network", "app", _image, "wget", "-qO-", "http://web/");
            if (fetch.ExitCode == 0)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.True(fetch.ExitCode == 0, fetch.ToString());
        Assert.StartsWith("hello-from-", fetch.Stdout, StringComparison.Ordinal);
    }

    /// <summary>httpd starts a moment after the container does.</summary>
    private static async Task<string> GetWithRetriesAsync(string url)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await http.GetStringAsync(new Uri(url));
            }
            catch (HttpRequestException) when (attempt < 40)
            {
                await Task.Delay(250);
            }
        }
    }
}
