using Minato.Engine.Network;

namespace Minato.Tests.Engine.Network;

public sealed class ResolvConfTests
{
    [Fact]
    public void ForContainer_LoopbackNameserversDropped_OthersSearchAndOptionsKept()
    {
        var text = ResolvConf.ForContainer("# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\nsearch corp.example\noptions ndots:2\n", hostNetwork: false);

        Assert.Equal("nameserver 10.0.0.2\nsearch corp.example\noptions ndots:2\n", text);
    }

    [Fact]
    public void ForContainer_OnlyLoopbackOrEmpty_FallsBackToPublicServers()
    {
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", ResolvConf.ForContainer("nameserver 127.0.0.1\n", hostNetwork: false));
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", ResolvConf.ForContainer("", hostNetwork: false));
    }
}
