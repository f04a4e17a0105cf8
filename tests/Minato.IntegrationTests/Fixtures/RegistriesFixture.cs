using Minato.Testing;

namespace Minato.IntegrationTests.Fixtures;

/// <summary>One registry per auth mode, shared by the tests of a class.</summary>
public sealed class RegistriesFixture : IAsyncLifetime
{
    private readonly Dictionary<RegistryAuth, RegistryFixture> _registries = [];

    public RegistryFixture For(RegistryAuth auth) => _registries[auth];

    public async Task InitializeAsync()
    {
        var modes = Enum.GetValues<RegistryAuth>();
        var started = await Task.WhenAll(modes.Select(m => RegistryFixture.StartAsync(m)));
        foreach (var (mode, registry) in modes.Zip(started))
        {
            _registries[mode] = registry;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var registry in _registries.Values)
        {
            await registry.DisposeAsync();
        }
    }

    /// <summary>The last lines each registry logged, for a failing test's output.</summary>
    public string LogTail(int lines = 60) => string.Join("\n", _registries.Select(r =>
        $"--- {r.Key} registry on {r.Value.Host}:\n" + string.Join("\n", r.Value.Log.Split('\n').TakeLast(lines))));
}
