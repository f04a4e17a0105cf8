using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>registries.conf mirrors and blocked registries through the real daemon.</summary>
#pragma warning disable CA1001 // xUnit disposes them through IAsyncLifetime.DisposeAsync.
public sealed class RegistryMirrorTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private TestImage _image = null!;
    private MisbehavingRegistry _origin = null!;
    private MisbehavingRegistry _emptyMirror = null!;
    private MisbehavingRegistry _mirror = null!;
    private MinatoDaemon _daemon = null!;
    private string _configDir = null!;

    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _origin = new MisbehavingRegistry(_image);
        _emptyMirror = new MisbehavingRegistry(_image) { Override = r => r.Path == "/v2/" ? null : CannedResponse.Empty(404) };
        _mirror = new MisbehavingRegistry(_image);
        _configDir = Directory.CreateTempSubdirectory("minato-it-mirrors-").FullName;
        var registries = Path.Combine(_configDir, "registries.conf");
        await File.WriteAllTextAsync(registries, $"""
            unqualified-search-registries = ["{_origin.Host}"]

            [[registry]]
            prefix = "{_origin.Host}/mirrored"
            location = "{_origin.Host}/mirrored"

            [[registry.mirror]]
            location = "{_emptyMirror.Host}/cache"
            insecure = true

            [[registry.mirror]]
            location = "{_mirror.Host}/cache"

            [[registry]]
            prefix = "{_origin.Host}/blocked"
            blocked = true
            """);
        _daemon = await MinatoDaemon.StartAsync("--registries-config", registries);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _origin.DisposeAsync();
        await _emptyMirror.DisposeAsync();
        await _mirror.DisposeAsync();
        Directory.Delete(_configDir, recursive: true);
    }

    [Fact]
    public async Task PullImage_Mirrors_TriedInOrderWithoutTheReferenceCredentials()
    {
        var auth = new AuthConfig { Username = "minato", Password = "for-the-origin-only" };

        var pulled = await _daemon.Images.PullImageAsync(new PullImageRequest { Image = Spec($"{_origin.Host}/mirrored/busybox:1"), Auth = auth });

        Assert.Equal(_image.Manifest().ImageId, pulled.ImageRef);
        Assert.Contains(_emptyMirror.Requests, r => r.Path == "/v2/cache/busybox/manifests/1");
        Assert.Contains(_mirror.Requests, r => r.Path.StartsWith("/v2/cache/busybox/blobs/", StringComparison.Ordinal));
        Assert.DoesNotContain(_origin.Requests, r => r.Path.Contains("/blobs/", StringComparison.Ordinal));
        Assert.All(_emptyMirror.Requests.Concat(_mirror.Requests), r => Assert.Null(r.Authorization));
        var status = await _daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = Spec($"{_origin.Host}/mirrored/busybox:1") });
        Assert.Equal(pulled.ImageRef, status.Image.Id);
    }

    [Fact]
    public async Task PullImage_ShortName_ResolvedThroughSearchRegistries()
    {
        var pulled = await _daemon.Images.PullImageAsync(new PullImageRequest { Image = Spec("tools/busybox:2") });

        Assert.Equal(_image.Manifest().ImageId, pulled.ImageRef);
        Assert.Contains(_origin.Requests, r => r.Path == "/v2/tools/busybox/manifests/2");
    }

    [Fact]
    public async Task PullImage_BlockedPrefix_PermissionDenied()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await _daemon.Images.PullImageAsync(new PullImageRequest { Image = Spec($"{_origin.Host}/blocked/busybox:1") }));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("blocked", error.Status.Detail, StringComparison.Ordinal);
    }

    private static ImageSpec Spec(string image) => new() { Image = image };
}
