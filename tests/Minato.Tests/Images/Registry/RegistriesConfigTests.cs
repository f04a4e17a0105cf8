using Minato.Configuration;
using Minato.Engine.Images;
using Minato.Engine.Images.Registry;

namespace Minato.Tests.Images.Registry;

public sealed class RegistriesConfigTests
{
    private const string Conf = """
        unqualified-search-registries = ["registry.example.com", "docker.io"]
        short-name-mode = "enforcing"

        [[registry]]
        prefix = "docker.io"
        location = "docker.io"

        [[registry.mirror]]
        location = "mirror.local:5000/hub"
        insecure = true

        [[registry.mirror]]
        location = "digests.local"
        pull-from-mirror = "digest-only"

        [[registry]]
        prefix = "docker.io/private"
        location = "private.example.com/p"

        [[registry]]
        location = "bad.example.com"
        blocked = true

        [aliases]
        "busybox" = "docker.io/library/busybox"
        """;

    private static RegistriesConfig Load(string text) => RegistriesConfigLoader.Parse(TomlEntries.Parse(text, "r.conf", tableArrays: true), "r.conf");

    [Fact]
    public void Endpoints_TagPull_MirrorsInOrderThenRegistry()
    {
        var endpoints = Load(Conf).Endpoints(ImageReference.Parse("busybox:1"));

        Assert.Equal(
            ["mirror.local:5000/hub/library/busybox", "registry-1.docker.io/library/busybox"],
            endpoints.Select(e => e.ToString()));
        Assert.True(endpoints[0].Insecure);
        Assert.True(endpoints[0].IsMirror);
    }

    [Fact]
    public void Endpoints_DigestPull_DigestOnlyMirrorToo()
    {
        var endpoints = Load(Conf).Endpoints(ImageReference.Parse("busybox@sha256:" + new string('a', 64)));

        Assert.Equal(3, endpoints.Count);
        Assert.Equal("digests.local", endpoints[1].Host);
    }

    [Fact]
    public void Endpoints_LongestPrefixWins_LocationReplacesPrefix()
    {
        var endpoints = Load(Conf).Endpoints(ImageReference.Parse("docker.io/private/app:v1"));

        Assert.Equal("private.example.com/p/app", Assert.Single(endpoints).ToString());
    }

    [Fact]
    public void Endpoints_Blocked_Throws()
    {
        var error = Assert.Throws<RegistryException>(() => Load(Conf).Endpoints(ImageReference.Parse("bad.example.com/x")));

        Assert.Equal(RegistryFailure.Blocked, error.Failure);
    }

    [Fact]
    public void Candidates_ShortName_OnePerSearchRegistry()
    {
        var candidates = Load(Conf).Candidates(ImageReference.Parse("busybox"));

        Assert.Equal(["registry.example.com/busybox:latest", "docker.io/library/busybox:latest"], candidates.Select(c => c.ToString()));
    }

    [Theory]
    [InlineData("[[registry]]\nprefix = \"a.io\"\nbogus = 1\n", "r.conf:3: unknown key 'registry.0.bogus'")]
    [InlineData("[[registry]]\ninsecure = true\n", "r.conf:2: [[registry]] needs a prefix or a location")]
    [InlineData("[registries.search]\nregistries = []\n", "r.conf:2: key 'registries.search.registries' is registries.conf version 1")]
    [InlineData("[[registry]]\nprefix = \"a.io\"\n[[registry.mirror]]\ninsecure = true\n", "r.conf:2: [[registry.mirror]] needs a location")]
    [InlineData("[[registry]]\nlocation = \"bad host\"\n", "r.conf:2: key 'registry.0.location'")]
    public void Parse_Mistakes_NameTheLine(string text, string message)
    {
        var error = Assert.Throws<ConfigException>(() => Load(text));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
