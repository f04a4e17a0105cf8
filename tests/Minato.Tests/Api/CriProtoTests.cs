using Google.Protobuf.Reflection;
using Minato.Cri.Api.V1;

namespace Minato.Tests.Api;

/// <summary>Spot checks of wire facts the kubelet depends on; a renumbered field breaks every kubelet silently.</summary>
public sealed class CriProtoTests
{
    [Fact]
    public void Services_HaveTheKubernetes136Rpcs()
    {
        var runtime = RuntimeService.Descriptor;
        var image = ImageService.Descriptor;

        Assert.Equal("runtime.v1.RuntimeService", runtime.FullName);
        Assert.Equal("runtime.v1.ImageService", image.FullName);
        Assert.Equal(35, runtime.Methods.Count);
        Assert.Equal(6, image.Methods.Count);
        foreach (var name in new[] { "RuntimeConfig", "UpdatePodSandboxResources", "GetContainerEvents", "ListMetricDescriptors", "ListPodSandboxMetrics", "CheckpointContainer", "StreamPodSandboxes", "StreamContainers", "StreamContainerStats", "StreamPodSandboxStats", "StreamPodSandboxMetrics" })
        {
            Assert.NotNull(runtime.FindMethodByName(name));
        }

        Assert.True(runtime.FindMethodByName("GetContainerEvents").IsServerStreaming);
        Assert.NotNull(image.FindMethodByName("StreamImages"));
    }

    [Theory]
    [InlineData("runtime.v1.ContainerConfig", "linux", 15, FieldType.Message)]
    [InlineData("runtime.v1.ContainerConfig", "stop_signal", 18, FieldType.Enum)]
    [InlineData("runtime.v1.PodSandboxConfig", "linux", 8, FieldType.Message)]
    [InlineData("runtime.v1.RunPodSandboxRequest", "runtime_handler", 2, FieldType.String)]
    [InlineData("runtime.v1.LinuxContainerSecurityContext", "seccomp_profile_path", 10, FieldType.String)]
    [InlineData("runtime.v1.LinuxContainerSecurityContext", "seccomp", 15, FieldType.Message)]
    [InlineData("runtime.v1.ImageSpec", "user_specified_image", 18, FieldType.String)]
    [InlineData("runtime.v1.Mount", "image", 9, FieldType.Message)]
    [InlineData("runtime.v1.RuntimeCondition", "message", 4, FieldType.String)]
    [InlineData("runtime.v1.StatusResponse", "features", 4, FieldType.Message)]
    [InlineData("runtime.v1.LinuxRuntimeConfiguration", "cgroup_driver", 1, FieldType.Enum)]
    public void Message_Field_HasTheUpstreamNumberAndType(string message, string field, int number, FieldType type)
    {
        var descriptor = RuntimeService.Descriptor.File.FindTypeByName<MessageDescriptor>(message["runtime.v1.".Length..]);

        var f = descriptor.FindFieldByName(field);

        Assert.Equal((number, type), (f.FieldNumber, f.FieldType));
    }

    [Fact]
    public void File_IsPackageRuntimeV1() => Assert.Equal("runtime.v1", RuntimeService.Descriptor.File.Package);
}
