using System.Text.Json;
using Minato.Cri.Containers;

namespace Minato.Tests.Cri.Containers;

public sealed class CriContainerJsonTests
{
    [Fact]
    public void Deserialize_MountStoredBeforeImageVolumes_ImageAndSubPathEmpty()
    {
        const string json = """
            {"id":"c1","podId":"p1","config":{"metadata":{"name":"app","attempt":0},"image":{"image":"busybox"},
             "mounts":[{"containerPath":"/d","hostPath":"/h","readonly":true}]}}
            """;

        var mount = Assert.Single(JsonSerializer.Deserialize(json, CriContainerJsonContext.Default.CriContainer)!.Config.Mounts);

        Assert.Equal(("/h", "", ""), (mount.HostPath, mount.Image, mount.ImageSubPath));
    }
}
