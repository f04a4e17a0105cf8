using Minato.Testing;

namespace Minato.IntegrationTests.Docker;

/// <summary>Start-up with and without the Docker API: refusals that name the key, and a CRI-only daemon left as it was.</summary>
public sealed class DockerApiStartupTests
{
    [Fact]
    public async Task Daemon_PlainTcpDockerApi_RefusedAtStartNamingTheKey()
    {
        var directory = Directory.CreateTempSubdirectory("minato-it-").FullName;
        try
        {
            var result = await CommandResult.RunAsync(MinatoDaemon.Executable,
            [
                "daemon", "--listen", "unix://" + Path.Combine(directory, "m.sock"), "--root", Path.Combine(directory, "root"),
                "--state", Path.Combine(directory, "state"), "--docker-api", "tcp://127.0.0.1:2375",
            ], TimeSpan.FromSeconds(60));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("docker_api.listen", result.Stderr, StringComparison.Ordinal);
            Assert.Contains("plain TCP is refused", result.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(directory, "m.sock")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Daemon_UnknownDockerSocketGroup_RefusedAtStartNamingTheKey()
    {
        var directory = Directory.CreateTempSubdirectory("minato-it-").FullName;
        try
        {
            var config = Path.Combine(directory, "minato.toml");
            await File.WriteAllTextAsync(config, $"[docker_api]\nlisten = \"unix://{directory}/d.sock\"\ngroup = \"no-such-group-minato\"\n");

            var result = await CommandResult.RunAsync(MinatoDaemon.Executable,
            [
                "daemon", "--config", config, "--listen", "unix://" + Path.Combine(directory, "m.sock"), "--root", Path.Combine(directory, "root"),
                "--state", Path.Combine(directory, "state"),
            ], TimeSpan.FromSeconds(60));

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("docker_api.group", result.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(directory, "root")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Daemon_DockerSocketGroup_GivenToThatGroup()
    {
        await using var daemon = await MinatoDaemon.StartWithDockerApiAsync();
        await daemon.StopAsync(TimeSpan.FromSeconds(30));
        var config = Path.Combine(daemon.Directory, "minato.toml");
        await File.WriteAllTextAsync(config, $"[docker_api]\ngroup = \"12345\"\n");

        await using var grouped = await MinatoDaemon.StartInAsync(daemon.Directory, "--config", config, "--docker-api", daemon.DockerHost);

        Assert.Equal("12345", (await CommandResult.RunAsync("/usr/bin/stat", ["-c", "%g", grouped.DockerSocketPath], TimeSpan.FromSeconds(10))).Stdout.Trim());
    }

    [Fact]
    public async Task Daemon_WithoutDockerApi_ServesCriOnlyAndNoDockerSocket()
    {
        await using var daemon = await MinatoDaemon.StartAsync();

        var version = await daemon.Runtime.VersionAsync(new Minato.Cri.Api.V1.VersionRequest());

        Assert.Equal("minato", version.RuntimeName);
        Assert.False(File.Exists(daemon.DockerSocketPath));
        Assert.DoesNotContain("Docker Engine API", daemon.Output, StringComparison.Ordinal);
    }
}
