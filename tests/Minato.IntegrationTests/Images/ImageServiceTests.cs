using System.Text.Json;
using Grpc.Core;
using Minato.Cri.Api.V1;
using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary>Every image RPC of the real daemon against a real registry, in each auth mode.</summary>
public sealed class ImageServiceTests(ImageRegistryFixture fixture) : IClassFixture<ImageRegistryFixture>
{
    private ImageService.ImageServiceClient Images => fixture.Daemon.Images;

    public static TheoryData<RegistryAuth> Modes => new() { RegistryAuth.None, RegistryAuth.Basic, RegistryAuth.Token };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ImageRpcs_EachAuthMode_PullListStatusRemove(RegistryAuth mode)
    {
        var registry = fixture.Registries.For(mode);
        var reference = $"{registry.Host}/library/busybox:1.36";
        var imageId = fixture.Busybox.Manifest().ImageId;

        var pulled = await Images.PullImageAsync(new PullImageRequest { Image = Spec(reference), Auth = Auth(registry) });

        Assert.Equal(imageId, pulled.ImageRef);
        var listed = await Images.ListImagesAsync(new ListImagesRequest { Filter = new ImageFilter { Image = Spec(reference) } });
        var image = Assert.Single(listed.Images);
        Assert.Contains(reference, image.RepoTags);
        Assert.Contains($"{registry.Host}/library/busybox@{fixture.Busybox.Digest}", image.RepoDigests);
        Assert.True(image.Size > 0);
        var status = await Images.ImageStatusAsync(new ImageStatusRequest { Image = Spec(reference), Verbose = true });
        Assert.Equal(imageId, status.Image.Id);
        Assert.Equal(0, status.Image.Uid.Value);
        using (var info = JsonDocument.Parse(status.Info["info"]))
        {
            Assert.Equal(JsonValueKind.Array, info.RootElement.GetProperty("imageSpec").GetProperty("history").ValueKind);
        }

        var fs = await Images.ImageFsInfoAsync(new ImageFsInfoRequest());
        Assert.True(Assert.Single(fs.ImageFilesystems).UsedBytes.Value > 0);

        await Images.RemoveImageAsync(new RemoveImageRequest { Image = Spec(reference) });
        await Images.RemoveImageAsync(new RemoveImageRequest { Image = Spec(reference) });
        var gone = await Images.ImageStatusAsync(new ImageStatusRequest { Image = Spec(imageId) });
        Assert.Null(gone.Image);
    }

    [Theory]
    [InlineData(RegistryAuth.Basic)]
    [InlineData(RegistryAuth.Token)]
    public async Task PullImage_NoCredentials_PermissionDenied(RegistryAuth mode)
    {
        var registry = fixture.Registries.For(mode);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Images.PullImageAsync(new PullImageRequest { Image = Spec($"{registry.Host}/library/busybox:1.36") }));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task PullImage_WrongPassword_PermissionDenied()
    {
        var registry = fixture.Registries.For(RegistryAuth.Basic);
        var auth = new AuthConfig { Username = registry.Credentials!.Username, Password = "wrong" };

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Images.PullImageAsync(new PullImageRequest { Image = Spec($"{registry.Host}/library/busybox:1.36"), Auth = auth }));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Theory]
    [InlineData("test/multiarch:v1")]
    [InlineData("test/multiarch-docker:v1")]
    public async Task PullImage_Index_PicksLinuxAmd64(string name)
    {
        var registry = fixture.Registries.For(RegistryAuth.None);
        var image = name.Contains("docker", StringComparison.Ordinal) ? fixture.MultiarchDocker : fixture.Multiarch;

        var pulled = await Images.PullImageAsync(new PullImageRequest { Image = Spec($"{registry.Host}/{name}") });

        Assert.Equal(image.Manifest("amd64").ImageId, pulled.ImageRef);
    }

    [Theory]
    [InlineData("test/zstd:v1")]
    [InlineData("test/busybox-docker:v1")]
    public async Task PullImage_ZstdAndDockerSchema2_Pulled(string name)
    {
        var registry = fixture.Registries.For(RegistryAuth.None);

        var pulled = await Images.PullImageAsync(new PullImageRequest { Image = Spec($"{registry.Host}/{name}") });

        var status = await Images.ImageStatusAsync(new ImageStatusRequest { Image = Spec(pulled.ImageRef) });
        Assert.Contains($"{registry.Host}/{name}", status.Image.RepoTags);
    }

    [Fact]
    public async Task PullImage_ByDigestWithToken_RecordsRepoDigestOnly()
    {
        var registry = fixture.Registries.For(RegistryAuth.Token);
        var reference = $"{registry.Host}/test/multilayer@{fixture.Multilayer.Digest}";

        var pulled = await Images.PullImageAsync(new PullImageRequest { Image = Spec(reference), Auth = Auth(registry) });

        var status = await Images.ImageStatusAsync(new ImageStatusRequest { Image = Spec(reference) });
        Assert.Equal(pulled.ImageRef, status.Image.Id);
        Assert.Contains(reference, status.Image.RepoDigests);
        Assert.Equal("app", status.Image.Username == "" ? status.Image.Uid?.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : status.Image.Username);
    }

    [Fact]
    public async Task PullImage_ConcurrentIdentical_BothGetTheImage()
    {
        var registry = fixture.Registries.For(RegistryAuth.Basic);
        var request = new PullImageRequest { Image = Spec($"{registry.Host}/test/multilayer:v1"), Auth = Auth(registry) };

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => await Images.PullImageAsync(request)));

        Assert.All(results, r => Assert.Equal(fixture.Multilayer.Manifest().ImageId, r.ImageRef));
    }

    [Theory]
    [InlineData("library/UPPER")]
    [InlineData("busybox@sha256:abc")]
    [InlineData("busybox@md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("a/../b")]
    [InlineData("/busybox")]
    public async Task PullImage_MalformedReference_InvalidArgument(string reference)
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Images.PullImageAsync(new PullImageRequest { Image = Spec(reference) }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    private static ImageSpec Spec(string image) => new() { Image = image };

    private static AuthConfig? Auth(RegistryFixture registry) => registry.Credentials is { } c
        ? new AuthConfig { Username = c.Username, Password = c.Password }
        : null;
}
