using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;

namespace Minato.IntegrationTests.Images;

/// <summary>The image reference forms crictl and the kubelet write, resolved the same way by every RPC.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class ImageReferenceFormsTests(ContainerPodFixture fixture)
{
    [Fact]
    public async Task CreateContainer_UntaggedNamePulledWithoutTag_RunsAndImageStatusFindsItByIdPrefix()
    {
        var untagged = $"{fixture.RegistryHost}/test/untagged";
        var imageRef = (await fixture.Daemon.Images.PullImageAsync(new PullImageRequest { Image = new ImageSpec { Image = untagged } })).ImageRef;

        var config = ContainerPodFixture.Config("untagged-image", "echo", "ran-untagged");
        config.Image = new ImageSpec { Image = untagged };
        var run = await fixture.RunToExitAsync(config);

        Assert.Equal(0, run.Status.ExitCode);
        Assert.Contains("ran-untagged", run.Stdout);
        var byName = await fixture.Daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = untagged } });
        Assert.Equal(imageRef, byName.Image?.Id);
        Assert.Contains(untagged + ":latest", byName.Image!.RepoTags);
        foreach (var prefix in new[] { imageRef[7..19], imageRef[..19] })
        {
            var byPrefix = await fixture.Daemon.Images.ImageStatusAsync(new ImageStatusRequest { Image = new ImageSpec { Image = prefix } });
            Assert.Equal(imageRef, byPrefix.Image?.Id);
        }
    }

    [Fact]
    public async Task CreateContainer_NameNeverPulled_NotFoundNamingIt()
    {
        var config = ContainerPodFixture.Config("never-pulled", "true");
        config.Image = new ImageSpec { Image = $"{fixture.RegistryHost}/test/never-pulled" };

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => fixture.CreateAsync(config));

        Assert.Equal(Grpc.Core.StatusCode.NotFound, error.StatusCode);
        Assert.Contains("test/never-pulled", error.Status.Detail, StringComparison.Ordinal);
    }
}
