using Minato.Docker.Containers;
using Minato.Docker.Http;

namespace Minato.Tests.Docker.Containers;

public sealed class DockerFilesTests
{
    [Fact]
    public void ResolvConf_LoopbackNameservers_DroppedAndFallbackUsed()
    {
        var text = DockerFiles.ResolvConf("nameserver 127.0.0.53\nsearch corp\noptions ndots:2\n", new HostConfig(), hostNetwork: false);

        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\nsearch corp\noptions ndots:2\n", text);
    }

    [Fact]
    public void ResolvConf_DnsOptions_ReplaceHostLines()
    {
        var host = new HostConfig { Dns = ["10.0.0.2"], DnsSearch = ["a.b"], DnsOptions = ["rotate"] };

        var text = DockerFiles.ResolvConf("nameserver 192.168.1.1\nsearch corp\n", host, hostNetwork: false);

        Assert.Equal("nameserver 10.0.0.2\nsearch a.b\noptions rotate\n", text);
    }

    [Fact]
    public void Hosts_ExtraHosts_AppendedAfterLocalhost()
    {
        var text = DockerFiles.Hosts("box", ["db:10.1.2.3"], null);

        Assert.StartsWith("127.0.0.1\tlocalhost\n", text, StringComparison.Ordinal);
        Assert.EndsWith("10.1.2.3\tdb\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db:notanip")]
    [InlineData("bad name:10.0.0.1")]
    public void CheckExtraHosts_Bad_Throws400(string entry)
    {
        Assert.Equal(400, Assert.Throws<DockerApiException>(() => DockerFiles.CheckExtraHosts([entry])).Status);
    }

    [Fact]
    public void Hosts_HostGateway_TheGivenGatewayAddress()
    {
        var text = DockerFiles.Hosts("box", ["myhost:host-gateway"], null, "10.80.0.1");

        Assert.EndsWith("10.80.0.1\tmyhost\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckExtraHosts_HostGatewayWithoutAGateway_BadRequest400()
    {
        var error = Assert.Throws<DockerApiException>(() => DockerFiles.CheckExtraHosts(["myhost:host-gateway"]));

        Assert.Equal(400, error.Status);
        Assert.Contains("host-gateway", error.Message, StringComparison.Ordinal);
    }
}
