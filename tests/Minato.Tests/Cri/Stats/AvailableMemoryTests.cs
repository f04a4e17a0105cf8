using Minato.Cri.Stats;
using Minato.Engine.Linux.Cgroups;

namespace Minato.Tests.Cri.Stats;

public sealed class AvailableMemoryTests
{
    [Theory]
    [InlineData(1000UL, 300UL, 700UL)]
    [InlineData(1000UL, 1200UL, 0UL)]
    public void Bytes_LimitAndWorkingSet_LimitLessWorkingSetNeverNegative(ulong limit, ulong working, ulong expected)
    {
        Assert.Equal(expected, AvailableMemory.Bytes(new CgroupUsage(null, null, working, null, null, null, limit)));
    }

    [Fact]
    public void Bytes_NoLimit_Null()
    {
        Assert.Null(AvailableMemory.Bytes(new CgroupUsage(null, null, 300, null, null, null, null)));
    }
}
