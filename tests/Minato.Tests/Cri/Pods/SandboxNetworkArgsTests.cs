using Minato.Cri.Pods;
using Minato.Engine.Errors;

namespace Minato.Tests.Cri.Pods;

public sealed class SandboxNetworkArgsTests
{
    private static readonly SandboxMetadata Metadata = new("web", "uid-1", "prod", 2);

    [Fact]
    public void Attachment_KubeletArgs_InTheOrderPluginsExpect()
    {
        var attachment = SandboxNetworkArgs.Attachment("abc", "/run/minato/pods/abc/ns/net", Metadata);

        Assert.Equal("eth0", attachment.InterfaceName);
        Assert.Equal("IgnoreUnknown=1;K8S_POD_NAMESPACE=prod;K8S_POD_NAME=web;K8S_POD_INFRA_CONTAINER_ID=abc;K8S_POD_UID=uid-1", attachment.ArgsString);
    }

    [Fact]
    public void Attachment_ValueWithSeparator_IsRefused()
    {
        var attachment = SandboxNetworkArgs.Attachment("abc", "/x", Metadata with { Name = "a;b=c" });

        Assert.Throws<ArgumentException>(() => attachment.ArgsString);
    }

    [Fact]
    public void RuntimeConfig_OnlyMappingsWithAHostPort_BecomePortMappings()
    {
        var config = new SandboxConfig
        {
            Metadata = Metadata,
            PortMappings = [new PortMapping(PortProtocol.Tcp, 80, 8080, string.Empty), new PortMapping(PortProtocol.Udp, 53, 0, string.Empty), new PortMapping(PortProtocol.Sctp, 9, 9999, "10.0.0.1")],
        };

        var json = SandboxNetworkArgs.RuntimeConfig(config).ToJsonString();

        Assert.Equal("""{"portMappings":[{"hostPort":8080,"containerPort":80,"protocol":"tcp","hostIP":""},{"hostPort":9999,"containerPort":9,"protocol":"sctp","hostIP":"10.0.0.1"}]}""", json);
    }

    [Fact]
    public void RuntimeConfig_BandwidthAnnotationsAndDns_AreCapabilityArgs()
    {
        var config = new SandboxConfig
        {
            Metadata = Metadata,
            Annotations = new Dictionary<string, string> { [SandboxNetworkArgs.IngressBandwidth] = "10M", [SandboxNetworkArgs.EgressBandwidth] = "1Gi" },
            Dns = new DnsSettings(["10.96.0.10"], ["svc.cluster.local"], []),
        };

        var json = SandboxNetworkArgs.RuntimeConfig(config);

        Assert.Equal(10_000_000L, json["bandwidth"]!["ingressRate"]!.GetValue<long>());
        Assert.Equal(1024L * 1024 * 1024, json["bandwidth"]!["egressRate"]!.GetValue<long>());
        Assert.Equal("10.96.0.10", json["dns"]!["servers"]![0]!.GetValue<string>());
        Assert.Null(json["portMappings"]);
    }

    [Theory]
    [InlineData("10M", 10_000_000L)]
    [InlineData("1.5G", 1_500_000_000L)]
    [InlineData("100k", 100_000L)]
    [InlineData("2Mi", 2L * 1024 * 1024)]
    [InlineData("5000", 5000L)]
    public void ParseBitsPerSecond_Quantity_IsBits(string quantity, long expected) =>
        Assert.Equal(expected, SandboxNetworkArgs.ParseBitsPerSecond("a", quantity));

    [Theory]
    [InlineData("fast")]
    [InlineData("-1M")]
    [InlineData("1")]
    [InlineData("10E")]
    [InlineData("")]
    public void ParseBitsPerSecond_NotAQuantityOrOutOfRange_IsInvalid(string quantity) =>
        Assert.Throws<InvalidInputException>(() => SandboxNetworkArgs.ParseBitsPerSecond("a", quantity));
}
