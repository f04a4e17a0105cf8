using Minato.Cri.Pods;

namespace Minato.Tests.Cri.Pods;

public sealed class PodFilesTests
{
    [Fact]
    public void ResolvConf_DnsConfig_WritesSearchNameserversAndOptions()
    {
        var text = PodFiles.ResolvConf(new DnsSettings(["10.96.0.10", "10.96.0.11"], ["ns.svc.cluster.local", "svc.cluster.local"], ["ndots:5", "timeout:2"]), "nameserver 1.1.1.1\n");

        Assert.Equal("search ns.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\nnameserver 10.96.0.11\noptions ndots:5 timeout:2\n", text);
    }

    [Fact]
    public void ResolvConf_NoDnsConfig_UsesTheHostFile() =>
        Assert.Equal("nameserver 1.1.1.1\n", PodFiles.ResolvConf(DnsSettings.None, "nameserver 1.1.1.1\n"));

    [Fact]
    public void Hosts_PodIps_MapToTheHostnameAfterLoopback()
    {
        var text = PodFiles.Hosts("web-0", ["10.1.2.3", "fd00::3"]);

        Assert.StartsWith("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n", text, StringComparison.Ordinal);
        Assert.EndsWith("10.1.2.3\tweb-0\nfd00::3\tweb-0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadHostResolvConf_LargeFile_IsCapped()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, new string('#', PodFiles.MaxResolvConf * 2));

            Assert.Equal(PodFiles.MaxResolvConf, PodFiles.ReadHostResolvConf(path).Length);
            Assert.Equal(string.Empty, PodFiles.ReadHostResolvConf(path + ".absent"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
