using Minato.Cri.Containers;
using Minato.Engine.Errors;

namespace Minato.Tests.Containers;

public sealed class ContainerCdiDevicesTests
{
    [Fact]
    public void Requested_FieldAndAnnotations_AreMergedInOrderWithoutDuplicates()
    {
        var config = SpecFixture.Config() with
        {
            CdiDevices = ["nvidia.com/gpu=1", "vendor.com/fpga=a"],
            Annotations = new Dictionary<string, string>
            {
                ["cdi.k8s.io/plugin_b"] = "vendor.com/fpga=b",
                ["cdi.k8s.io/plugin_a"] = "nvidia.com/gpu=0,nvidia.com/gpu=1",
                ["other.k8s.io/x"] = "not a device",
            },
        };

        var names = ContainerCdiDevices.Requested(config);

        Assert.Equal(["nvidia.com/gpu=1", "vendor.com/fpga=a", "nvidia.com/gpu=0", "vendor.com/fpga=b"], names);
    }

    [Fact]
    public void Requested_MalformedFieldName_IsInvalidAndNamesTheField()
    {
        var config = SpecFixture.Config() with { CdiDevices = ["nvidia.com/gpu=0", "gpu0"] };

        var error = Assert.Throws<InvalidInputException>(() => ContainerCdiDevices.Requested(config));

        Assert.StartsWith("CDI_devices[1].name: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requested_MalformedAnnotationValue_IsInvalidAndNamesTheAnnotation()
    {
        var config = SpecFixture.Config() with
        {
            Annotations = new Dictionary<string, string> { ["cdi.k8s.io/plugin"] = "nvidia.com/gpu=0,,nvidia.com/gpu=1" },
        };

        var error = Assert.Throws<InvalidInputException>(() => ContainerCdiDevices.Requested(config));

        Assert.StartsWith("annotation cdi.k8s.io/plugin: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requested_TooManyNames_IsInvalid()
    {
        var config = SpecFixture.Config() with
        {
            Annotations = new Dictionary<string, string>
            {
                ["cdi.k8s.io/many"] = string.Join(',', Enumerable.Range(0, ContainerCdiDevices.MaxNames + 1).Select(i => $"v.com/c=d{i}")),
            },
        };

        var error = Assert.Throws<InvalidInputException>(() => ContainerCdiDevices.Requested(config));

        Assert.Contains("more than 1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Requested_Nothing_IsEmpty()
    {
        Assert.Empty(ContainerCdiDevices.Requested(SpecFixture.Config()));
    }
}
