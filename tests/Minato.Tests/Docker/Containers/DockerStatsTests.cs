using System.Text.Json;
using Minato.Docker.Containers;
using Minato.Engine.Containers;
using Minato.Engine.Linux.Cgroups;
using Minato.Engine.Linux.Namespaces;

namespace Minato.Tests.Docker.Containers;

/// <summary>Docker's stats frame made from the engine's readings: names, precpu, limits, v1/v2 keys and networks.</summary>
public sealed class DockerStatsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Frame_TwoV1Readings_SnakeCaseShapeWithPrecpuAndHostMemoryAsLimit()
    {
        var previous = Reading(1, 1_000, Now.AddSeconds(-1), null);
        var current = Reading(1, 3_000, Now, null);

        var json = JsonSerializer.Serialize(DockerStats.Frame("/web", "abc", current, previous, 8_000_000_000), StatsJson.Default.StatsResponse);
        var frame = JsonDocument.Parse(json).RootElement;

        Assert.Equal("/web", frame.GetProperty("name").GetString());
        Assert.Equal(Now, frame.GetProperty("read").GetDateTimeOffset());
        Assert.Equal(Now.AddSeconds(-1), frame.GetProperty("preread").GetDateTimeOffset());
        Assert.Equal(3_000UL, frame.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64());
        Assert.Equal(1_000UL, frame.GetProperty("precpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64());
        Assert.Equal(2, frame.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("percpu_usage").GetArrayLength());
        Assert.Equal(7UL, frame.GetProperty("cpu_stats").GetProperty("throttling_data").GetProperty("throttled_periods").GetUInt64());
        Assert.Equal(8_000_000_000UL, frame.GetProperty("memory_stats").GetProperty("limit").GetUInt64());
        Assert.Equal(1024UL, frame.GetProperty("memory_stats").GetProperty("stats").GetProperty("total_inactive_file").GetUInt64());
        Assert.Equal("Read", frame.GetProperty("blkio_stats").GetProperty("io_service_bytes_recursive")[0].GetProperty("op").GetString());
        Assert.Equal(4UL, frame.GetProperty("pids_stats").GetProperty("current").GetUInt64());
        Assert.False(frame.TryGetProperty("networks", out _));
    }

    [Fact]
    public void Frame_V2WithLimitAndNetwork_LowerCaseIoOpsLimitAndEth0()
    {
        var current = Reading(2, 5, Now, 67_108_864) with
        {
            Networks = [new InterfaceCounters("eth0", 100, 2, 0, 1, 200, 3, 0, 0)],
        };

        var frame = DockerStats.Frame("/db", "def", current, null, 8_000_000_000);

        Assert.Equal(67_108_864UL, frame.MemoryStats.Limit);
        Assert.Equal("read", frame.BlkioStats.IoServiceBytesRecursive![0].Op);
        Assert.Equal(new NetworkStats(100, 2, 0, 1, 200, 3, 0, 0), frame.Networks!["eth0"]);
        Assert.Equal(default, frame.Preread);
        Assert.Equal(0UL, frame.PrecpuStats.CpuUsage.TotalUsage);
    }

    [Fact]
    public void Frame_NotRunning_ZerosWithNameAndId()
    {
        var json = JsonSerializer.Serialize(DockerStats.Frame("/off", "123", null, null, 1), StatsJson.Default.StatsResponse);
        var frame = JsonDocument.Parse(json).RootElement;

        Assert.Equal("/off", frame.GetProperty("name").GetString());
        Assert.Equal("123", frame.GetProperty("id").GetString());
        Assert.Equal(1, frame.GetProperty("read").GetDateTimeOffset().Year);
        Assert.Equal(0UL, frame.GetProperty("cpu_stats").GetProperty("cpu_usage").GetProperty("total_usage").GetUInt64());
        Assert.False(frame.GetProperty("memory_stats").TryGetProperty("limit", out _));
    }

    private static ContainerStatistics Reading(int version, ulong cpu, DateTimeOffset read, ulong? limit) => new(
        read,
        new CgroupStatistics(
            version, cpu, cpu / 2, cpu / 2, version == 1 ? [cpu / 2, cpu / 2] : [], new CpuThrottling(10, 7, 70), 4096, 0, limit,
            new Dictionary<string, ulong> { [version == 1 ? "total_inactive_file" : "inactive_file"] = 1024 }, 0, 4, null,
            [new DeviceIo(8, 0, "Read", 512)]),
        cpu * 10,
        2,
        []);
}
