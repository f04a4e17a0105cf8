using Minato.Cri.Pods;
using Minato.Engine.Errors;

namespace Minato.Tests.Cri.Pods;

public sealed class SysctlPolicyTests
{
    private static readonly SandboxNamespaces Private = new(NamespaceMode.Pod, NamespaceMode.Container, NamespaceMode.Pod);
    private static readonly SandboxNamespaces HostNetwork = new(NamespaceMode.Node, NamespaceMode.Container, NamespaceMode.Pod);
    private static readonly SandboxNamespaces HostIpc = new(NamespaceMode.Pod, NamespaceMode.Container, NamespaceMode.Node);

    [Theory]
    [InlineData("net.ipv4.ip_unprivileged_port_start", "0", SysctlPolicy.Scope.Net)]
    [InlineData("net.ipv4.ip_local_port_range", "1024 65000", SysctlPolicy.Scope.Net)]
    [InlineData("net.ipv4.conf.all.rp_filter", "1", SysctlPolicy.Scope.Net)]
    [InlineData("kernel.shm_rmid_forced", "1", SysctlPolicy.Scope.Ipc)]
    [InlineData("kernel.shmmax", "68719476736", SysctlPolicy.Scope.Ipc)]
    [InlineData("kernel.msgmax", "8192", SysctlPolicy.Scope.Ipc)]
    [InlineData("kernel.sem", "250\t32000\t32\t128", SysctlPolicy.Scope.Ipc)]
    [InlineData("fs.mqueue.msg_max", "10", SysctlPolicy.Scope.Ipc)]
    public void Validate_NamespacedSysctl_IsAcceptedWithItsScope(string key, string value, SysctlPolicy.Scope scope) =>
        Assert.Equal(scope, SysctlPolicy.Validate(key, value, Private));

    [Theory]
    [InlineData("kernel.core_pattern", "|/x")]
    [InlineData("kernel.core_pattern", "core")]
    [InlineData("vm.swappiness", "10")]
    [InlineData("kernel.hostname", "x")]
    [InlineData("fs.file-max", "100")]
    public void Validate_NodeWideSysctl_IsRejected(string key, string value) =>
        Assert.Throws<InvalidInputException>(() => SysctlPolicy.Validate(key, value, Private));

    [Theory]
    [InlineData("net.ipv4.ip_local_port_range", "1024 65000'+'kernel.core_pattern=|/x")]
    [InlineData("net.ipv4.ip_forward", "1\nkernel.core_pattern=|/x")]
    [InlineData("net.ipv4.ip_forward", "1;reboot")]
    [InlineData("net.ipv4.ip_forward", "$(reboot)")]
    [InlineData("net.ipv4.ip_forward", "")]
    [InlineData("net/ipv4/ip_forward", "1")]
    [InlineData("net.ipv4..ip_forward", "1")]
    [InlineData("net.ipv4.../../kernel.core_pattern", "1")]
    [InlineData("net.ipv4.ip_forward+kernel.core_pattern", "1")]
    [InlineData("net.ipv4.ip_forward=1", "1")]
    [InlineData(".net.ipv4", "1")]
    [InlineData("", "1")]
    public void Validate_InjectionOrMalformedKeyOrValue_IsRejected(string key, string value)
    {
        var e = Assert.Throws<InvalidInputException>(() => SysctlPolicy.Validate(key, value, Private));

        Assert.Contains("sysctl", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NetSysctlWithHostNetwork_IsRejected()
    {
        var e = Assert.Throws<InvalidInputException>(() => SysctlPolicy.Validate("net.ipv4.ip_forward", "1", HostNetwork));

        Assert.Contains("host network", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_IpcSysctlWithHostIpc_IsRejected() =>
        Assert.Throws<InvalidInputException>(() => SysctlPolicy.Validate("kernel.shmmax", "1", HostIpc));

    [Fact]
    public void Validate_OverlongValue_IsRejected() =>
        Assert.Throws<InvalidInputException>(() => SysctlPolicy.Validate("net.core.somaxconn", new string('1', 300), Private));

    [Fact]
    public void ProcPath_DottedKey_MapsUnderProcSys() =>
        Assert.Equal("/proc/sys/net/ipv4/ip_forward", SysctlPolicy.ProcPath("net.ipv4.ip_forward"));
}
