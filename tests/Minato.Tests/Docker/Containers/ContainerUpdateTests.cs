using Minato.Docker.Containers;
using Minato.Docker.Http;
using Minato.Engine.Linux;

namespace Minato.Tests.Docker.Containers;

/// <summary>The update body merged into a HostConfig as dockerd does, and the archive's Go file modes.</summary>
public sealed class ContainerUpdateTests
{
    [Fact]
    public void Merge_NonZeroValues_ReplaceAndZeroKeeps()
    {
        var host = new HostConfig { Memory = 64 << 20, CpuShares = 512, PidsLimit = 10, RestartPolicy = new RestartPolicy { Name = "no" } };

        var merged = DockerContainers.Merge(host, new ContainerUpdateRequest
        {
            Memory = 128 << 20,
            NanoCpus = 500_000_000,
            RestartPolicy = new RestartPolicy { Name = "on-failure", MaximumRetryCount = 3 },
        });

        Assert.Equal(128 << 20, merged.Memory);
        Assert.Equal(512, merged.CpuShares);
        Assert.Equal(10, merged.PidsLimit);
        Assert.Equal(500_000_000, merged.NanoCpus);
        Assert.Equal("on-failure", merged.RestartPolicy!.Name);
    }

    [Fact]
    public void Merge_PidsLimitZero_RemovesTheLimit()
    {
        var merged = DockerContainers.Merge(new HostConfig { PidsLimit = 10 }, new ContainerUpdateRequest { PidsLimit = 0 });

        Assert.Null(merged.PidsLimit);
    }

    [Fact]
    public void Merge_NanoCpusOverAnExplicitQuota_Refused()
    {
        var error = Assert.Throws<DockerApiException>(() =>
            DockerContainers.Merge(new HostConfig { CpuQuota = 50000 }, new ContainerUpdateRequest { NanoCpus = 1_000_000_000 }));

        Assert.Equal(400, error.Status);
        Assert.Contains("Nano CPUs cannot be updated as CPU Quota", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x41ED, 0x800001EDu)]
    [InlineData(0xA1FF, 0x080001FFu)]
    [InlineData(0x81A4, 0x1A4u)]
    [InlineData(0x2180, 0x04200180u)]
    [InlineData(0x89ED, 0x008001EDu)]
    public void GoFileMode_UnixModes_GoFlags(uint unix, uint go)
    {
        var status = new FileStatus(unix, 0, 0, 0, 1, default, 0, 0);

        Assert.Equal(go, ContainerRoutes.GoFileMode(status));
    }
}
