using System.Diagnostics;
using System.Globalization;
using Minato.Cri.Api.V1;

namespace Minato.Bench.Pull;

/// <summary>One cold pull measured: wall time and the CPU time the runtime process spent on it.</summary>
public sealed record PullMeasurement(TimeSpan Wall, TimeSpan RuntimeCpu, string ImageId)
{
    public override string ToString() =>
        $"wall {Wall.TotalSeconds,6:F2}s  runtime cpu {RuntimeCpu.TotalSeconds,6:F2}s";
}

/// <summary>
/// A cold pull through any CRI endpoint: remove the image, pull it, time it. Reusable for any runtime (Minato,
/// containerd's CRI): the caller gives the CRI client and the runtime's pid, so CPU is the runtime's, not the client's.
/// </summary>
public sealed class PullWorkload(ImageService.ImageServiceClient images, string reference, AuthConfig? auth = null)
{
    /// <summary>Removes the image (so its layers are gone), pulls it once and measures.</summary>
    public async Task<PullMeasurement> RunColdAsync(int runtimePid, CancellationToken cancellationToken)
    {
        await images.RemoveImageAsync(new RemoveImageRequest { Image = new ImageSpec { Image = reference } }, cancellationToken: cancellationToken);
        var cpuBefore = CpuTime(runtimePid);
        var clock = Stopwatch.StartNew();
        var pulled = await images.PullImageAsync(
            new PullImageRequest { Image = new ImageSpec { Image = reference }, Auth = auth }, cancellationToken: cancellationToken);
        clock.Stop();
        return new PullMeasurement(clock.Elapsed, CpuTime(runtimePid) - cpuBefore, pulled.ImageRef);
    }

    /// <summary>User plus system CPU time of a process (and its waited-for children), from <c>/proc/PID/stat</c>.</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

        // Fields 14-17 of proc(5) (utime, stime, cutime, cstime) are at offsets 11-14 after the command name.
        var ticks = fields.Skip(11).Take(4).Sum(f => long.Parse(f, CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / 100.0);
    }
}
