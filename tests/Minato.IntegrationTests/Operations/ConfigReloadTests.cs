using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Images;
using Minato.Testing;

namespace Minato.IntegrationTests.Operations;

/// <summary>SIGHUP and <c>minato config reload</c>: a changed registries.conf takes effect without a restart, and one
/// that does not parse is refused with the running configuration kept.</summary>
#pragma warning disable CA1001 // xUnit disposes them through IAsyncLifetime.DisposeAsync.
public sealed class ConfigReloadTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private readonly string _home = Directory.CreateTempSubdirectory("minato-it-reload-").FullName;
    private MisbehavingRegistry _origin = null!;
    private MisbehavingRegistry _mirror = null!;
    private MinatoDaemon _daemon = null!;

    private string Registries => Path.Combine(_home, "registries.conf");

    private string Reference => $"{_origin.Host}/reload/busybox:1";

    public async Task InitializeAsync()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _origin = new MisbehavingRegistry(image);
        _mirror = new MisbehavingRegistry(image);
        await File.WriteAllTextAsync(Registries, $"""
            [[registry]]
            prefix = "{_origin.Host}/reload"
            location = "{_origin.Host}/reload"
            """);
        _daemon = await MinatoDaemon.StartInAsync(Path.Combine(_home, "d"), "--registries-config", Registries);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _origin.DisposeAsync();
        await _mirror.DisposeAsync();
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Sighup_MirrorAdded_NextPullUsesItWithoutRestart()
    {
        await PullAndRemoveAsync();
        Assert.Empty(MirrorBlobRequests());
        await File.WriteAllTextAsync(Registries, $"""
            [[registry]]
            prefix = "{_origin.Host}/reload"
            location = "{_origin.Host}/reload"

            [[registry.mirror]]
            location = "{_mirror.Host}/cache"
            """);
        var pid = _daemon.ProcessId;

        ProcessSignals.Send(pid, ProcessSignals.SigHup);
        await WaitForOutputAsync("configuration reloaded");
        var originBlobs = OriginBlobRequests();
        await PullAndRemoveAsync();

        Assert.Equal(pid, _daemon.ProcessId);
        Assert.NotEmpty(MirrorBlobRequests());
        Assert.Equal(originBlobs, OriginBlobRequests());
        Assert.Contains($"registries: {Registries}", _daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_BrokenRegistriesConf_RefusedAndTheOldKept()
    {
        await File.WriteAllTextAsync(Registries, $"""
            [[registry]]
            prefix = "{_origin.Host}/reload"
            location = "{_origin.Host}/reload"

            [[registry.mirror]]
            location = "{_mirror.Host}/cache"
            """);
        var good = await MinatoAsync("config", "reload");
        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains($"registries: {Registries}", good.Stdout, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Registries, "[[registry]\nprefix = \n");

        var refused = await MinatoAsync("config", "reload");
        ProcessSignals.Send(_daemon.ProcessId, ProcessSignals.SigHup);
        await WaitForOutputAsync("configuration reload refused", times: 2);
        await PullAndRemoveAsync();

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("configuration not reloaded, the running one is kept", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(Registries, refused.Stderr, StringComparison.Ordinal);
        Assert.NotEmpty(MirrorBlobRequests());
        Assert.Equal(0, OriginBlobRequests());
    }

    private async Task PullAndRemoveAsync()
    {
        await _daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = Reference } });
        await _daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = Reference } });
    }

    private List<SeenRequest> MirrorBlobRequests() => [.. _mirror.Requests.Where(r => r.Path.Contains("/blobs/", StringComparison.Ordinal))];

    private int OriginBlobRequests() => _origin.Requests.Count(r => r.Path.Contains("/blobs/", StringComparison.Ordinal));

    private async Task WaitForOutputAsync(string text, int times = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_daemon.Output.Split(text).Length - 1 < times)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the daemon never logged \"{text}\":\n{_daemon.Output}");
            await Task.Delay(50);
        }
    }

    private Task<CommandResult> MinatoAsync(params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["--endpoint", _daemon.Endpoint, .. args], TimeSpan.FromSeconds(60));
}
