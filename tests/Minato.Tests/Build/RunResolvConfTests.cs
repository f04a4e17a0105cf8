using Minato.Build;

namespace Minato.Tests.Build;

public sealed class RunResolvConfTests
{
    [Fact]
    public void BuildResolvConf_LoopbackNameserversDropped_OthersSearchAndOptionsKept()
    {
        var text = ImageBuilder.BuildResolvConf("# generated\nnameserver 127.0.0.53\nnameserver 10.0.0.2\nnameserver ::1\nsearch corp.example\noptions ndots:2\n");

        Assert.Equal("nameserver 10.0.0.2\nsearch corp.example\noptions ndots:2\n", text);
    }

    [Fact]
    public void BuildResolvConf_OnlyLoopbackOrEmpty_FallsBackToPublicServers()
    {
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", ImageBuilder.BuildResolvConf("nameserver 127.0.0.1\n"));
        Assert.Equal("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", ImageBuilder.BuildResolvConf(""));
    }
}
