using Minato.Cri.Pods;
using Minato.Engine.Errors;

namespace Minato.Tests.Cri.Pods;

public sealed class SandboxValidationTests
{
    private static readonly SandboxConfig Valid = new()
    {
        Metadata = new SandboxMetadata("web", "uid-1", "default", 0),
        Hostname = "web-0",
        LogDirectory = "/var/log/pods/default_web_uid-1",
        Dns = new DnsSettings(["10.96.0.10", "fd00::a"], ["default.svc.cluster.local", "svc.cluster.local"], ["ndots:5"]),
        PortMappings = [new PortMapping(PortProtocol.Tcp, 80, 8080, "127.0.0.1"), new PortMapping(PortProtocol.Udp, 53, 0, string.Empty)],
        Labels = new Dictionary<string, string> { ["app"] = "web" },
        Sysctls = new Dictionary<string, string> { ["net.ipv4.ip_unprivileged_port_start"] = "0" },
    };

    [Fact]
    public void Validate_KubeletStyleConfig_Passes() => SandboxValidation.Validate(Valid);

    public static TheoryData<SandboxConfig, string> Invalid => new()
    {
        { Valid with { Metadata = Valid.Metadata with { Name = string.Empty } }, "metadata.name is required" },
        { Valid with { Metadata = Valid.Metadata with { Namespace = string.Empty } }, "metadata.namespace is required" },
        { Valid with { Metadata = Valid.Metadata with { Uid = string.Empty } }, "metadata.uid is required" },
        { Valid with { Metadata = Valid.Metadata with { Name = "a;K8S_POD_NAME=evil" } }, "metadata.name" },
        { Valid with { Metadata = Valid.Metadata with { Namespace = "a b" } }, "metadata.namespace" },
        { Valid with { Metadata = Valid.Metadata with { Name = "../../etc" } }, "metadata.name" },
        { Valid with { Hostname = "bad_host" }, "hostname" },
        { Valid with { Hostname = "-x" }, "hostname" },
        { Valid with { Hostname = new string('a', 65) }, "hostname" },
        { Valid with { LogDirectory = "relative/logs" }, "log_directory" },
        { Valid with { LogDirectory = "/var/log/../../etc" }, "log_directory" },
        { Valid with { Dns = Valid.Dns with { Servers = ["8.8.8.8\nnameserver 6.6.6.6"] } }, "dns_config.servers" },
        { Valid with { Dns = Valid.Dns with { Searches = ["a b"] } }, "dns_config" },
        { Valid with { Dns = Valid.Dns with { Options = ["ndots:5\noptions rotate"] } }, "dns_config" },
        { Valid with { PortMappings = [new PortMapping(PortProtocol.Tcp, 0, 80, string.Empty)] }, "container_port 0" },
        { Valid with { PortMappings = [new PortMapping(PortProtocol.Tcp, 80, 70000, string.Empty)] }, "host_port 70000" },
        { Valid with { PortMappings = [new PortMapping(PortProtocol.Tcp, 80, 80, "localhost")] }, "host_ip" },
        { Valid with { Namespaces = new SandboxNamespaces(NamespaceMode.Target, NamespaceMode.Pod, NamespaceMode.Pod) }, "namespace_options.network" },
        { Valid with { Namespaces = new SandboxNamespaces(NamespaceMode.Pod, NamespaceMode.Target, NamespaceMode.Pod) }, "namespace_options.pid TARGET" },
        { Valid with { Namespaces = new SandboxNamespaces(NamespaceMode.Pod, NamespaceMode.Pod, NamespaceMode.Container) }, "namespace_options.ipc" },
        { Valid with { Sysctls = new Dictionary<string, string> { ["kernel.core_pattern"] = "x" } }, "not namespaced" },
        { Valid with { Labels = new Dictionary<string, string> { [string.Empty] = "x" } }, "labels" },
        { Valid with { UserNamespace = new(NamespaceMode.Target, [], []) }, "namespace_options.userns_options.mode TARGET" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadField_IsInvalidInputNamingIt(SandboxConfig config, string expected)
    {
        var e = Assert.Throws<InvalidInputException>(() => SandboxValidation.Validate(config));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HostNetworkWithHostname_IsInvalidInputNamingBoth()
    {
        var config = Valid with { Sysctls = new Dictionary<string, string>(), Namespaces = new(NamespaceMode.Node, NamespaceMode.Pod, NamespaceMode.Pod) };

        var e = Assert.Throws<InvalidInputException>(() => SandboxValidation.Validate(config));

        Assert.Contains("hostname \"web-0\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("namespace_options.network NODE", e.Message, StringComparison.Ordinal);
        SandboxValidation.Validate(config with { Hostname = "" });
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("web-0.example.com", true)]
    [InlineData("UPPER", true)]
    [InlineData("", false)]
    [InlineData("a..b", false)]
    [InlineData("a b", false)]
    public void IsHostname_Examples(string name, bool expected) => Assert.Equal(expected, SandboxValidation.IsHostname(name));
}
