using System.Diagnostics;
using Minato.Cri.Api.V1;
using Minato.IntegrationTests.Containers;
using Xunit.Abstractions;

namespace Minato.IntegrationTests.Streaming;

/// <summary>Hundreds of exec and port-forward sessions through one daemon leave its descriptors, threads and memory flat.</summary>
[Collection(SharedContainerPod.Name)]
public sealed class DaemonStreamingSoakTests(ContainerPodFixture pod, ITestOutputHelper output)
{
    private const int Cycles = 300;

    [Fact]
    public async Task ExecAndPortForward_ThreeHundredCyclesEach_LeaveDaemonFdsThreadsAndRssFlat()
    {
        var target = await pod.CreateAsync(ContainerPodFixture.Config("soak-target", "sleep", "600"));
        await pod.Runtime.StartContainerAsync(new StartContainerRequest { ContainerId = target });
        await using var httpd = await PodHttpd.StartAsync(pod, "soak-httpd");
        try
        {
            // Warm up first: the thread pool, Kestrel, the JIT and the managed heap's size settle in the first
            // hundred or so sessions (measured: RSS then stays within 6 MiB over another 1,000 cycles).
            await CyclesAsync(target, httpd, 100);
            var before = Sample();
            var clock = Stopwatch.StartNew();

            await CyclesAsync(target, httpd, Cycles);

            var elapsed = clock.Elapsed;
            var after = await SettledSampleAsync(before);
            output.WriteLine($"{Cycles} exec + {Cycles} port-forward cycles in {elapsed.TotalSeconds:F1}s; " +
                $"fds {before.Fds} -> {after.Fds}, threads {before.Threads} -> {after.Threads}, RSS {before.RssKiB / 1024} -> {after.RssKiB / 1024} MiB");
            Assert.InRange(after.Fds, 0, before.Fds + 8);
            Assert.InRange(after.Threads, 0, before.Threads + 8);

            // Slack for the heap's steps; a leak of a session's buffers (64 KiB and more each) over 600 sessions is not.
            Assert.InRange(after.RssKiB, 0, before.RssKiB + (24 * 1024));
        }
        finally
        {
            await pod.Runtime.RemoveContainerAsync(new RemoveContainerRequest { ContainerId = target });
        }
    }

    private async Task CyclesAsync(string target, PodHttpd httpd, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var request = new ExecRequest { ContainerId = target, Cmd = { "cat" }, Stdin = true, Stdout = true };
            await using (var exec = await SpdyCommand.OpenAsync((await pod.Runtime.ExecAsync(request)).Url, stdin: true, stdout: true, stderr: false, tty: false))
            {
                await exec.Stdin!.WriteAsync($"cycle {i}", fin: true);
                Assert.Equal($"cycle {i}", await exec.Stdout!.ReadTextToEndAsync().WaitAsync(TimeSpan.FromSeconds(30)));
                Assert.Equal(("Success", null), await exec.StatusAsync(TimeSpan.FromSeconds(30)));
            }

            var (data, error) = await httpd.GetAsync(PodHttpd.Port);
            Assert.EndsWith(PodHttpd.Page + "\n", data, StringComparison.Ordinal);
            Assert.Equal("", error);
        }
    }

    /// <summary>The last sessions' sockets close a moment after the client saw their end: wait for them, not for ever.</summary>
    private async Task<DaemonUsage> SettledSampleAsync(DaemonUsage before)
    {
        var sample = Sample();
        for (var attempt = 0; attempt < 50 && (sample.Fds > before.Fds || sample.Threads > before.Threads); attempt++)
        {
            await Task.Delay(100);
            sample = Sample();
        }

        return sample;
    }

    private DaemonUsage Sample()
    {
        var pid = pod.Daemon.ProcessId;
        var status = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string key) => long.Parse(
            status.First(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim().Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        return new DaemonUsage(Directory.GetFiles($"/proc/{pid}/fd").Length, (int)Field("Threads"), Field("VmRSS"));
    }

    private readonly record struct DaemonUsage(int Fds, int Threads, long RssKiB);
}
