using Minato.Configuration;

namespace Minato.Tests.Configuration;

public sealed class DockerApiConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_NoDockerApiTable_LeavesTheDockerApiOff()
    {
        var config = ConfigLoader.Load(_dir.Write("m.toml", "log_level = \"info\"\n"), new ConfigOverrides());

        Assert.False(config.DockerApi.Enabled);
    }

    [Fact]
    public void Load_DockerApiTable_AppliesListenAndGroup()
    {
        var file = _dir.Write("m.toml", """
            [docker_api]
            listen = "unix:///run/m/docker.sock"
            group = "docker"
            """);

        var config = ConfigLoader.Load(file, new ConfigOverrides());

        Assert.True(config.DockerApi.IsUnix);
        Assert.Equal("/run/m/docker.sock", config.DockerApi.SocketPath);
        Assert.Equal("docker", config.DockerApi.Group);
    }

    [Fact]
    public void Load_PodContainers_DefaultReadOnlyAndHiddenApplied()
    {
        var defaults = ConfigLoader.Load(_dir.Write("d.toml", "[docker_api]\n"), new ConfigOverrides());
        var hidden = ConfigLoader.Load(_dir.Write("h.toml", "[docker_api]\npod_containers = \"hidden\"\n"), new ConfigOverrides());

        Assert.Equal(Minato.Docker.Containers.Pods.PodContainerMode.ReadOnly, defaults.DockerApi.PodContainers);
        Assert.Equal(Minato.Docker.Containers.Pods.PodContainerMode.Hidden, hidden.DockerApi.PodContainers);
    }

    [Fact]
    public void Load_PodContainersUnknownValue_RefusedNamingTheKey()
    {
        var file = _dir.Write("m.toml", "[docker_api]\npod_containers = \"writable\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains("docker_api.pod_containers", e.Message, StringComparison.Ordinal);
        Assert.Contains("read-only, hidden", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_PlainTcpListen_RefusedNamingTheKeyAndTheTlsKeys()
    {
        var file = _dir.Write("m.toml", "[docker_api]\nlisten = \"tcp://0.0.0.0:2375\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains("docker_api.listen", e.Message, StringComparison.Ordinal);
        Assert.Contains("plain TCP is refused", e.Message, StringComparison.Ordinal);
        Assert.Contains("docker_api.tls_ca", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TcpListenWithTlsFiles_Accepted()
    {
        var cert = _dir.Write("cert.pem", "x");
        var key = _dir.Write("key.pem", "x");
        var ca = _dir.Write("ca.pem", "x");
        var file = _dir.Write("m.toml", $"[docker_api]\nlisten = \"tcp://127.0.0.1:2376\"\ntls_cert = \"{cert}\"\ntls_key = \"{key}\"\ntls_ca = \"{ca}\"\n");

        var config = ConfigLoader.Load(file, new ConfigOverrides());

        Assert.False(config.DockerApi.IsUnix);
        Assert.Equal(ca, config.DockerApi.TlsCa);
    }

    [Theory]
    [InlineData("unix://relative.sock")]
    [InlineData("http://127.0.0.1:2375")]
    [InlineData("tcp://127.0.0.1")]
    public void Load_MalformedListen_RefusedNamingTheKey(string listen)
    {
        var file = _dir.Write("m.toml", $"[docker_api]\nlisten = \"{listen}\"\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains("docker_api.listen", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownDockerApiKey_RefusedWithItsLine()
    {
        var file = _dir.Write("m.toml", "[docker_api]\nlisten = \"unix:///run/d.sock\"\nhosts = [\"x\"]\n");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(file, new ConfigOverrides()));

        Assert.Contains(":3: unknown key 'docker_api.hosts'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DockerApiOverride_ReplacesTheFileValue()
    {
        var file = _dir.Write("m.toml", "[docker_api]\nlisten = \"unix:///run/a.sock\"\n");

        var config = ConfigLoader.Load(file, new ConfigOverrides { DockerApi = "unix:///run/b.sock" });

        Assert.Equal("/run/b.sock", config.DockerApi.SocketPath);
    }

    [Fact]
    public void RenderDefault_DockerApiTable_ShownCommentedAndOff()
    {
        var text = ConfigLoader.RenderDefault();

        Assert.Contains("\n[docker_api]\n", text, StringComparison.Ordinal);
        Assert.Contains($"\n# listen = \"{DockerApiSettings.DefaultListen}\"\n", text, StringComparison.Ordinal);
        Assert.False(ConfigLoader.Load(_dir.Write("d.toml", text), new ConfigOverrides()).DockerApi.Enabled);
    }
}
