using Minato.Docker.Http;
using Minato.Docker.Streams;

namespace Minato.Tests.Docker.Streams;

public sealed class DetachKeysTests
{
    [Fact]
    public void Parse_Default_IsCtrlPCtrlQ()
    {
        Assert.Equal(new byte[] { 0x10, 0x11 }, DetachKeys.Parse(null));
        Assert.Equal(new byte[] { 0x10, 0x11 }, DetachKeys.Parse("ctrl-p,ctrl-q"));
    }

    [Fact]
    public void Parse_UnknownKey_Throws400()
    {
        var e = Assert.Throws<DockerApiException>(() => DetachKeys.Parse("ctrl-1"));
        Assert.Equal(400, e.Status);
    }

    [Fact]
    public void Filter_SequenceInInput_DetachesAndDropsIt()
    {
        var keys = new DetachKeys(DetachKeys.Default);
        var output = new byte[16];

        var (written, detached) = keys.Filter(new byte[] { (byte)'a', 0x10, 0x11, (byte)'b' }, output);

        Assert.True(detached);
        Assert.Equal(new byte[] { (byte)'a' }, output[..written]);
    }

    [Fact]
    public void Filter_BrokenSequenceAcrossReads_PassesHeldKeyThrough()
    {
        var keys = new DetachKeys(DetachKeys.Default);
        var output = new byte[16];

        var (first, _) = keys.Filter(new byte[] { (byte)'a', 0x10 }, output);
        Assert.Equal(1, first);
        var (second, detached) = keys.Filter(new byte[] { (byte)'z' }, output);

        Assert.False(detached);
        Assert.Equal(new byte[] { 0x10, (byte)'z' }, output[..second]);
    }
}
