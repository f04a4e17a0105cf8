using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>docker login: POST /auth checks the credentials against a registry that requires them.</summary>
public sealed class DockerLoginTests
{
    [Theory]
    [InlineData(RegistryAuth.Basic)]
    [InlineData(RegistryAuth.Token)]
    public async Task DockerLogin_RightCredentials_LoginSucceededAndPullWorks(RegistryAuth auth)
    {
        var image = await TestImageCache.Shared.GetAsync(TestImageRecipes.Busybox());
        await using var registry = await RegistryFixture.StartAsync(auth);
        var pushed = await registry.PushAsync(image, "private/app:v1");
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync();
        using var docker = new DockerClient(daemon);

        var login = await docker.RunAsync("login", registry.Host, "-u", registry.Credentials!.Username, "-p", registry.Credentials.Password);
        var pull = await docker.RunAsync("pull", pushed.Reference);

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("Login Succeeded", login.Stdout, StringComparison.Ordinal);
        Assert.True(pull.ExitCode == 0, pull.ToString());
    }

    [Theory]
    [InlineData(RegistryAuth.Basic)]
    [InlineData(RegistryAuth.Token)]
    public async Task Auth_WrongPassword_401WithDockerdMessage(RegistryAuth auth)
    {
        await using var registry = await RegistryFixture.StartAsync(auth);
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync();
        using var docker = new DockerClient(daemon);

        var login = await docker.RunAsync("login", registry.Host, "-u", registry.Credentials!.Username, "-p", "wrong-password");
        var (status, body, _) = await docker.SendAsync(HttpMethod.Post, "v1.45/auth",
            DockerClient.Json($$"""{"username":"{{registry.Credentials.Username}}","password":"nope","serveraddress":"{{registry.Host}}"}"""));

        Assert.NotEqual(0, login.ExitCode);
        Assert.Equal(401, status);
        Assert.Contains("failed with status: 401 Unauthorized", body, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(docker.ConfigDirectory, "config.json")) &&
            File.ReadAllText(Path.Combine(docker.ConfigDirectory, "config.json")).Contains(registry.Host, StringComparison.Ordinal));
    }
}
