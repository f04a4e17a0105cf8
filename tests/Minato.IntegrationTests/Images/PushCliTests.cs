using Minato.Testing;

namespace Minato.IntegrationTests.Images;

/// <summary><c>minato push</c> to Debian's docker-registry with basic auth, and the pushed image pulled back by a fresh daemon.</summary>
public sealed class PushCliTests
{
    [Fact]
    public async Task MinatoPush_BasicAuthRegistry_PushesThenLayerAlreadyExistsThenFreshDaemonPullsSameImage()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        await using var source = await RegistryFixture.StartAsync();
        await using var target = await RegistryFixture.StartAsync(RegistryAuth.Basic);
        var pushed = await source.PushAsync(image, "src/app:v1");
        var destination = $"{target.Host}/cli/app:v3";
        var creds = target.Credentials!.SkopeoCreds;
        await using (var daemon = await MinatoDaemon.StartWithDockerApiAsync())
        {
            using var docker = new Docker.DockerClient(daemon);
            Assert.Equal(0, (await MinatoAsync(daemon, "pull", pushed.Reference)).ExitCode);
            Assert.Equal(0, (await docker.RunAsync("tag", pushed.Reference, destination)).ExitCode);

            var refused = await MinatoAsync(daemon, "push", destination);
            var push = await MinatoAsync(daemon, "push", "--creds", creds, destination);
            var again = await MinatoAsync(daemon, "push", "--creds", creds, destination);

            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains(target.Host, refused.Stderr, StringComparison.Ordinal);
            Assert.True(push.ExitCode == 0, push + "\n" + target.Log);
            Assert.Contains($"The push refers to repository [{destination[..destination.LastIndexOf(':')]}]", push.Stdout, StringComparison.Ordinal);
            Assert.Contains($"v3: digest: {image.Digest} size: {image.Root.Size}", push.Stdout, StringComparison.Ordinal);
            Assert.Equal(image.Manifest().Layers.Count, push.Stdout.Split('\n').Count(l => l.EndsWith(": Pushed", StringComparison.Ordinal)));

            Assert.True(again.ExitCode == 0, again.ToString());
            Assert.Equal(image.Manifest().Layers.Count, again.Stdout.Split('\n').Count(l => l.EndsWith(": Layer already exists", StringComparison.Ordinal)));
        }

        await using var fresh = await MinatoDaemon.StartAsync();
        var pull = await MinatoAsync(fresh, "pull", "--creds", creds, destination);

        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains($"Pulled {destination}: {image.Manifest().ImageId}", pull.Stdout, StringComparison.Ordinal);
    }

    private static Task<CommandResult> MinatoAsync(MinatoDaemon daemon, params string[] args) =>
        CommandResult.RunAsync(MinatoDaemon.Executable, ["--endpoint", daemon.Endpoint, .. args], TimeSpan.FromSeconds(120));
}
