using Minato.Engine.Linux.Namespaces;

namespace Minato.Tests.Engine.Linux;

public sealed class InterfaceCountersTests
{
    private const string NetDev = """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     140       2    0    0    0     0          0         0      140       2    0    0    0     0       0          0
          eth0: 1049737    1203    1    2    0     0          0         0    86754     998    3    4    0     0       0          0
        """;

    [Fact]
    public void Parse_ProcNetDev_ReadsReceiveAndTransmitColumns()
    {
        var interfaces = InterfaceCounters.Parse(NetDev);

        Assert.Equal(2, interfaces.Count);
        Assert.Equal(new InterfaceCounters("eth0", 1049737, 1203, 1, 2, 86754, 998, 3, 4), interfaces[1]);
        Assert.Equal("lo", interfaces[0].Name);
    }

    [Fact]
    public void Parse_TruncatedLine_Skipped()
    {
        Assert.Empty(InterfaceCounters.Parse("eth0: 1 2 3\n"));
    }

    [Fact]
    public void ReadCurrentThread_ThisMachine_HasLoopback()
    {
        Assert.Contains(InterfaceCounters.ReadCurrentThread(), i => i.Name == "lo");
    }
}
