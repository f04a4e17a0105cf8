using Minato.Cri.Api.V1;
using Minato.Engine.Linux.Cgroups;

namespace Minato.IntegrationTests.Containers;

/// <summary>What a finished container leaves for the kubelet: its CRI log records and its exit reason.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class ContainerExitTests(ContainerPodFixture fixture)
{
    /// <summary>The CRI log format bounds a record; the kubelet joins <c>P</c> records up to the next <c>F</c>.</summary>
    private const int MaxRecordBytes = 16 * 1024;

    [Fact]
    public async Task ContainerLog_40KiBLine_SplitIntoPartialRecordsEndingWithFullAndStreamsTagged()
    {
        // 40 KiB of a repeating alphabet on stdout, then a short line on stderr and one more on stdout.
        var config = ContainerPodFixture.Config("long-line", "sh", "-c",
            "i=0; while [ $i -lt 1575 ]; do printf abcdefghijklmnopqrstuvwxyz; i=$((i+1)); done; printf 'abcdefghij\\n'; " +
            "echo to-stderr >&2; echo after");
        var expected = string.Concat(Enumerable.Repeat("abcdefghijklmnopqrstuvwxyz", 1575)) + "abcdefghij";
        Assert.Equal(40 * 1024, expected.Length);

        var run = await fixture.RunToExitAsync(config);

        var stdout = run.Log.Where(r => r.Stream == "stdout").ToList();
        var longRecords = stdout.TakeWhile(r => r.Partial).Append(stdout.First(r => !r.Partial)).ToList();
        Assert.True(longRecords.Count >= 3, $"{longRecords.Count} records for a 40 KiB line");
        // The closing F record is empty when a read happened to end just before the newline.
        Assert.All(longRecords, r => Assert.InRange(r.Content.Length, r.Partial ? 1 : 0, MaxRecordBytes));
        Assert.False(longRecords[^1].Partial);
        Assert.Equal(expected, string.Concat(longRecords.Select(r => r.Content)));
        Assert.Equal([expected, "after"], run.Stdout);
        Assert.Equal(["to-stderr"], run.Lines("stderr"));
    }

    [Fact]
    public async Task ContainerStatus_MemoryLimitExceeded_ReasonOOMKilledFromTheCgroupCounter()
    {
        // tail keeps the whole "line" of /dev/zero (no newline ever comes) in memory, without bound.
        var (status, counter) = await RunLimitedAsync("oom", id => Task.CompletedTask, "tail", "/dev/zero");

        Assert.Equal(137, status.ExitCode);
        Assert.Equal("OOMKilled", status.Reason);
        Assert.True(counter, "the kernel's oom_kill counter of the container's memory cgroup");
    }

    [Fact]
    public async Task ContainerStatus_KilledWithoutMemoryPressure_ReasonErrorNotOOMKilled()
    {
        // The control for the test above: the same exit code from a SIGKILL alone is an Error.
        var (status, counter) = await RunLimitedAsync("killed", async id =>
            await fixture.Runtime.StopContainerAsync(new StopContainerRequest { ContainerId = id, Timeout = 0 }), "sleep", "600");

        Assert.Equal(137, status.ExitCode);
        Assert.Equal("Error", status.Reason);
        Assert.False(counter);
    }

    /// <summary>Runs a container limited to 16 MiB until it exits; returns its status and what its cgroup's OOM counter says.</summary>
    private async Task<(ContainerStatus Status, bool? OomCounter)> RunLimitedAsync(string name, Func<string, Task> afterStart, params string[] command)
    {
        var config = ContainerPodFixture.Config(name, command);
        config.Linux.Resources = new LinuxContainerResources { MemoryLimitInBytes = 16L << 20 };
        var id = await fixture.CreateAsync(config);
        try
        {
            await fixture.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = id });
            await afterStart(id);
            var status = await fixture.WaitForExitAsync(id);
            var cgroup = (await fixture.InfoAsync(id)).GetProperty("memoryCgroup").GetString()!;
            Assert.Contains(id, cgroup, StringComparison.Ordinal);
            return (status, OomKills.Occurred(cgroup));
        }
        finally
        {
            await fixture.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = id });
        }
    }
}
