using System.Text.Json;
using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker push with the real docker CLI to Debian's docker-registry: uploads, mounts, skips, auth, and the image back.</summary>
public sealed class DockerPushTests
{
    [Theory]
    [InlineData("multilayer")]
    [InlineData("busybox-docker")]
    public async Task DockerPush_TaggedToAnotherRegistry_UploadsThenLayerAlreadyExistsThenFreshDaemonRunsIt(string recipe)
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.ByName(recipe));
        await using var source = await RegistryFixture.StartAsync();
        await using var target = await RegistryFixture.StartAsync();
        var pushed = await source.PushAsync(image, "src/app:v1");
        var destination = $"{target.Host}/team/app:v2";
        await using (var daemon = await MinatoDaemon.StartWithDockerApiAsync())
        {
            using var docker = new DockerClient(daemon);
            Assert.Equal(0, (await docker.RunAsync("pull", pushed.Reference)).ExitCode);
            Assert.Equal(0, (await docker.RunAsync("tag", pushed.Reference, destination)).ExitCode);

            var push = await docker.RunAsync("push", destination);
            var again = await docker.RunAsync("push", destination);

            Assert.True(push.ExitCode == 0, push + "\n" + target.Log);
            Assert.Contains($"The push refers to repository [{target.Host}/team/app]", push.Stdout, StringComparison.Ordinal);
            Assert.Contains($"v2: digest: {image.Digest} size: {image.Root.Size}", push.Stdout, StringComparison.Ordinal);
            Assert.True(again.ExitCode == 0, again.ToString());
            var layers = image.Manifest().Layers.Count;
            Assert.Equal(layers, Count(push.Stdout, ": Pushed"));
            Assert.Equal(layers, Count(again.Stdout, ": Layer already exists"));
        }

        await using var fresh = await MinatoDaemon.StartWithDockerApiAsync();
        using var client = new DockerClient(fresh);
        var pull = await client.RunAsync("pull", destination);
        var run = await client.RunAsync("run", "--rm", "--network", "none", "--entrypoint", "sh", destination, "-c", "echo pushed-and-back");

        Assert.True(pull.ExitCode == 0, pull.ToString());
        Assert.Contains($"Digest: {image.Digest}", pull.Stdout, StringComparison.Ordinal);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("pushed-and-back", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DockerPush_NewRepositoryOnSameRegistry_MountsLayersFromTheRepositoryPulledFrom()
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Multilayer);
        await using var registry = await RegistryFixture.StartAsync();
        var pushed = await registry.PushAsync(image, "src/app:v1");
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync();
        using var docker = new DockerClient(daemon);
        Assert.Equal(0, (await docker.RunAsync("pull", pushed.Reference)).ExitCode);
        Assert.Equal(0, (await docker.RunAsync("tag", pushed.Reference, $"{registry.Host}/copy/app:v1")).ExitCode);

        var push = await docker.RunAsync("push", $"{registry.Host}/copy/app:v1");
        var (status, served, _) = await SendRegistryAsync(registry, "v2/copy/app/manifests/v1");

        Assert.True(push.ExitCode == 0, push + "\n" + registry.Log);
        Assert.Equal(image.Manifest().Layers.Count, Count(push.Stdout, ": Mounted from src/app"));
        Assert.Equal(200, status);
        Assert.Equal(image.Digest, "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(served)));
    }

    [Theory]
    [InlineData(RegistryAuth.Basic)]
    [InlineData(RegistryAuth.Token)]
    public async Task DockerPush_AuthRegistry_RefusedWithoutLoginNamingRegistryThenPushesAfterLogin(RegistryAuth auth)
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        await using var open = await RegistryFixture.StartAsync();
        await using var secured = await RegistryFixture.StartAsync(auth);
        var pushed = await open.PushAsync(image, "lib/busybox:v1");
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync();
        using var docker = new DockerClient(daemon);
        var destination = $"{secured.Host}/private/busybox:v1";
        Assert.Equal(0, (await docker.RunAsync("pull", pushed.Reference)).ExitCode);
        Assert.Equal(0, (await docker.RunAsync("tag", pushed.Reference, destination)).ExitCode);

        var refused = await docker.RunAsync("push", destination);
        var login = await docker.RunAsync("login", secured.Host, "-u", secured.Credentials!.Username, "-p", secured.Credentials.Password);
        var push = await docker.RunAsync("push", destination);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains(secured.Host, refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(auth == RegistryAuth.Basic ? "401 Unauthorized" : "refused anonymous access", refused.Stderr, StringComparison.Ordinal);
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.True(push.ExitCode == 0, push + "\n" + secured.Log);
        Assert.Contains($"v1: digest: {image.Digest}", push.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PushRoute_NoSuchLocalImage_ErrorLineAndAuxOnlyOnSuccess()
    {
        await using var registry = await RegistryFixture.StartAsync();
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync();
        using var docker = new DockerClient(daemon);

        var cli = await docker.RunAsync("push", $"{registry.Host}/missing/app:v1");
        var (status, body, _) = await docker.SendAsync(HttpMethod.Post, $"v1.45/images/{registry.Host}/missing/app/push?tag=v1");

        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains($"An image does not exist locally with the tag: {registry.Host}/missing/app", cli.Stderr, StringComparison.Ordinal);
        Assert.Equal(200, status);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal($"The push refers to repository [{registry.Host}/missing/app]", lines[0].GetProperty("status").GetString());
        Assert.True(lines[^1].TryGetProperty("errorDetail", out _));
        Assert.DoesNotContain(lines, l => l.TryGetProperty("aux", out _));
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<(int Status, byte[] Body, string? Type)> SendRegistryAsync(RegistryFixture registry, string path)
    {
        using var http = new HttpClient { BaseAddress = registry.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        request.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        using var response = await http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }
}
