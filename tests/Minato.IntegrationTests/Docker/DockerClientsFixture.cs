using System.Globalization;
using System.Security.Cryptography;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>One daemon per test class for the real-client tests: the busybox test image pushed to a registry of its own and
/// pulled, and a default bridge, subnet and network pool of its own so classes running side by side never share addresses.</summary>
public sealed class DockerClientsFixture : IAsyncLifetime
{
    private readonly string _bridge = "mzc" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
    private readonly int _octet = RandomNumberGenerator.GetInt32(0, 256);
    private RegistryFixture _registry = null!;

    public MinatoDaemon Daemon { get; private set; } = null!;

    public DockerClient Docker { get; private set; } = null!;

    /// <summary>The pulled busybox image's reference (in the fixture's registry).</summary>
    public string Image { get; private set; } = null!;

    /// <summary>The default bridge network's subnet.</summary>
    public string Subnet => string.Create(CultureInfo.InvariantCulture, $"10.{168 + (_octet % 16)}.{_octet}.0/24");

    /// <summary>The default bridge network's gateway (its first address).</summary>
    public string Gateway => string.Create(CultureInfo.InvariantCulture, $"10.{168 + (_octet % 16)}.{_octet}.1");

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _registry = await RegistryFixture.StartAsync(RegistryAuth.None);
        Image = (await _registry.PushAsync(image, "clients/busybox:1.36")).Reference;
        var config = Path.Combine(Path.GetTempPath(), $"minato-{_bridge}.toml");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture,
            $"[docker_api]\nbridge_name = \"{_bridge}\"\nbridge_subnet = \"{Subnet}\"\nnetwork_pool = \"10.{184 + (_octet % 8)}.{_octet / 16 * 16}.0/20\"\n"));
        Daemon = await MinatoDaemon.StartWithDockerApiAsync("--config", config);
        File.Delete(config);
        Docker = new DockerClient(Daemon);
        var pull = await Docker.RunAsync("pull", Image);
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    public async Task DisposeAsync()
    {
        var all = await Docker.RunAsync("ps", "-aq");
        foreach (var id in all.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await Docker.RunAsync("rm", "-f", "-v", id);
        }

        // The bridge plugin makes a bridge on first use and never deletes it: the default one and every user network's.
        var names = await Docker.RunAsync("network", "ls", "-q", "--filter", "driver=bridge");
        var bridges = new List<string> { _bridge };
        foreach (var id in names.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = await Docker.RunAsync("network", "inspect", "-f", "{{index .Options \"com.docker.network.bridge.name\"}}", id);
            bridges.Add(name.Stdout.Trim());
            await Docker.RunAsync("network", "rm", id);
        }

        await Daemon.DisposeAsync();
        await _registry.DisposeAsync();
        Docker.Dispose();
        foreach (var link in bridges.Where(l => l.Length > 0 && Directory.Exists($"/sys/class/net/{l}")).Distinct())
        {
            await CommandResult.RunAsync("ip", ["link", "del", link], TimeSpan.FromSeconds(10));
        }
    }
}
