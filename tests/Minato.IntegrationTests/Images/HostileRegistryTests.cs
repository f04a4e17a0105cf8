using System.Text;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>Registries that lie, stall or try to collect credentials: each pull fails cleanly or keeps credentials home.</summary>
public sealed class HostileRegistryTests : IAsyncLifetime
{
    private const string User = "minato";
    private const string Password = "hostile-s3cret";
    private TestImage _image = null!;
    private MinatoDaemon _daemon = null!;
    private string _configDir = null!;

    private static AuthConfig Auth => new() { Username = User, Password = Password };

    private ImageManifest Manifest => _image.Manifest();

    public async Task InitializeAsync()
    {
        _image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        _configDir = Directory.CreateTempSubdirectory("minato-it-hostile-").FullName;
        var config = Path.Combine(_configDir, "minato.toml");
        await File.WriteAllTextAsync(config, "image_pull_stall_timeout_seconds = 2\n");
        _daemon = await MinatoDaemon.StartAsync("--config", config);
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        Directory.Delete(_configDir, recursive: true);
    }

    [Fact]
    public async Task PullImage_LayerDigestMismatch_DataLossAndNothingKept()
    {
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => IsLayer(r) ? Tampered(registry.Serve(r), flip: true) : null;

        // gzip's own CRC or the blob digest, whichever notices first.
        await AssertFailsAsync(registry, StatusCode.DataLoss, "(digest mismatch|Corrupt compressed layer)");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public async Task PullImage_WrongLayerSize_DataLossAndNothingKept(int delta)
    {
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => IsLayer(r) ? Resized(registry.Serve(r), delta) : null;

        await AssertFailsAsync(registry, StatusCode.DataLoss, "bytes");
    }

    [Fact]
    public async Task PullImage_ByDigestManifestTampered_DataLoss()
    {
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => r.Path.Contains("/manifests/", StringComparison.Ordinal)
            ? registry.Serve(r) with { Body = [.. registry.Serve(r).Body, (byte)' '] }
            : null;

        await AssertFailsAsync(registry, StatusCode.DataLoss, "digest", $"{registry.Host}/x/busybox@{Manifest.Descriptor.Digest}");
    }

    [Theory]
    [InlineData("application/vnd.docker.distribution.manifest.v1+prettyjws", "schema 1")]
    [InlineData("application/vnd.oci.image.index.v1+json", "announced as")]
    public async Task PullImage_BadManifestType_FailedPrecondition(string contentType, string message)
    {
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => r.Path.Contains("/manifests/", StringComparison.Ordinal)
            ? registry.Serve(r) with { Headers = new Dictionary<string, string> { ["Content-Type"] = contentType } }
            : null;

        await AssertFailsAsync(registry, StatusCode.FailedPrecondition, message);
    }

    [Fact]
    public async Task PullImage_Artifact_FailedPrecondition()
    {
        await using var registry = new MisbehavingRegistry(_image);
        var artifact = Encoding.UTF8.GetBytes($$"""
            {"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
             "config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"{{Manifest.Config.Digest}}","size":{{Manifest.Config.Size}}},
             "layers":[]}
            """);
        registry.Override = r => r.Path.Contains("/manifests/", StringComparison.Ordinal)
            ? new CannedResponse(200, artifact, new Dictionary<string, string> { ["Content-Type"] = "application/vnd.oci.image.manifest.v1+json" })
            : null;

        await AssertFailsAsync(registry, StatusCode.FailedPrecondition, "not a container image");
    }

    [Fact]
    public async Task PullImage_LayerStalls_DeadlineExceeded()
    {
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => IsLayer(r) ? registry.Serve(r) with { Body = [], Headers = Length(registry.Serve(r).Body.Length), Hang = true } : null;

        await AssertFailsAsync(registry, StatusCode.DeadlineExceeded, "no data");
    }

    [Fact]
    public async Task PullImage_LayerTrickles_StallTimeoutFiresNothingKeptAndRetrySucceeds()
    {
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => IsLayer(r) ? registry.Serve(r) with { Trickle = TimeSpan.FromMilliseconds(100) } : null;
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await AssertFailsAsync(registry, StatusCode.DeadlineExceeded, @"only \d+ bytes received in 2 seconds \(a stalled or trickling transfer\)");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        registry.Override = _ => null;
        await PullAndRemoveAsync(registry);
    }

    [Fact]
    public async Task PullImage_RegistryDiesMidLayer_FailsCleanlyNothingKeptAndRetrySucceeds()
    {
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => IsLayer(r) ? registry.Serve(r) is var full ? full with { DieAfter = full.Body.Length / 2 } : null : null;

        // The broken connection is seen as such (UNAVAILABLE) or, when the client waits on the dead socket, as a stall.
        var error = await AssertFailsAsync(registry, null, "(the registry connection broke|no data received|bytes received in)");

        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.DeadlineExceeded });
        registry.Override = _ => null;
        await PullAndRemoveAsync(registry);
    }

    private async Task PullAndRemoveAsync(MisbehavingRegistry registry)
    {
        var pulled = await _daemon.Images.PullImageAsync(new PullImageRequest { Image = Spec($"{registry.Host}/x/busybox:1"), Auth = Auth });
        Assert.Equal(Manifest.ImageId, pulled.ImageRef);
        await _daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = Spec(pulled.ImageRef) });
    }

    [Fact]
    public async Task PullImage_BlobRedirect_FollowedWithoutCredentials()
    {
        await using var storage = new MisbehavingRegistry(_image);
        await using var registry = new MisbehavingRegistry(_image);
        registry.Override = r => RequireBasic(r) ?? (IsBlob(r) ? CannedResponse.Empty(307, ("Location", $"http://{storage.Host}{r.Path}?sig=1")) : null);

        var pulled = await _daemon.Images.PullImageAsync(new PullImageRequest { Image = Spec($"{registry.Host}/x/busybox:1"), Auth = Auth });

        Assert.Equal(Manifest.ImageId, pulled.ImageRef);
        Assert.NotEmpty(storage.Requests);
        Assert.All(storage.Requests, r => Assert.Null(r.Authorization));
        Assert.Contains(registry.Requests, r => r.Authorization is not null && r.Path.Contains("/manifests/", StringComparison.Ordinal));
        await _daemon.Images.RemoveImageAsync(new RemoveImageRequest { Image = Spec(pulled.ImageRef) });
    }

    [Fact]
    public async Task PullImage_RedirectTargetChallengesWithOtherRealm_CredentialsNeverSent()
    {
        await using var realm = new MisbehavingRegistry();
        await using var storage = new MisbehavingRegistry(_image);
        await using var registry = new MisbehavingRegistry(_image);
        storage.Override = _ => CannedResponse.Empty(401, ("WWW-Authenticate", $"Bearer realm=\"http://{realm.Host}/token\",service=\"evil\""));
        registry.Override = r => RequireBasic(r) ?? (IsBlob(r) ? CannedResponse.Empty(307, ("Location", $"http://{storage.Host}{r.Path}")) : null);

        await AssertFailsAsync(registry, StatusCode.PermissionDenied, "only sent to");

        Assert.Empty(realm.Requests);
        Assert.All(storage.Requests, r => Assert.Null(r.Authorization));
    }

    private async Task<RpcException> AssertFailsAsync(MisbehavingRegistry registry, StatusCode? code, string message, string? reference = null)
    {
        var request = new PullImageRequest { Image = Spec(reference ?? $"{registry.Host}/x/busybox:1"), Auth = Auth };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await _daemon.Images.PullImageAsync(request));

        if (code is not null)
        {
            Assert.Equal(code, error.StatusCode);
        }

        Assert.Matches(message, error.Status.Detail);
        var listed = await _daemon.Images.ListImagesAsync(new ListImagesRequest());
        Assert.Empty(listed.Images);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_daemon.Root, "snapshots")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_daemon.Root, "unpack")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_daemon.Root, "content", "ingest")));
        return error;
    }

    private static CannedResponse? RequireBasic(SeenRequest request) =>
        RegistryCredentials.FromBasicHeader(request.Authorization) == new RegistryCredentials(User, Password)
            ? null
            : CannedResponse.Empty(401, ("WWW-Authenticate", "Basic realm=\"hostile\""));

    private static bool IsBlob(SeenRequest request) => request.Path.Contains("/blobs/", StringComparison.Ordinal);

    private bool IsLayer(SeenRequest request) => IsBlob(request) && Manifest.Layers.Any(l => request.Path.EndsWith(l.Digest, StringComparison.Ordinal));

    private static CannedResponse Tampered(CannedResponse response, bool flip)
    {
        var body = response.Body.ToArray();
        body[body.Length / 2] ^= flip ? (byte)1 : (byte)0;
        return response with { Body = body };
    }

    private static CannedResponse Resized(CannedResponse response, int delta) =>
        response with { Body = delta > 0 ? [.. response.Body, 0] : response.Body[..^1] };

    private static Dictionary<string, string> Length(int length) => new() { ["Content-Length"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static ImageSpec Spec(string image) => new() { Image = image };
}
