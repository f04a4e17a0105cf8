using Minato.Engine.Linux.Interop;
using static Minato.Engine.Linux.Interop.NamespaceCalls;

namespace Minato.Engine.Linux;

/// <summary>The operating-system boundary for container root filesystems: overlay mounts of image layers.</summary>
public interface IOverlayMounts
{
    /// <summary>Mounts an overlay at <paramref name="target"/>: <paramref name="lowerDirectories"/> top layer first.</summary>
    void MountOverlay(string target, IReadOnlyList<string> lowerDirectories, string upperDirectory, string workDirectory);

    /// <summary>Detaches whatever is mounted at <paramref name="target"/>; succeeds when nothing is.</summary>
    void Unmount(string target);

    /// <summary>True when something is mounted exactly at <paramref name="target"/>.</summary>
    bool IsMounted(string target);
}

/// <summary>Overlay mounts through mount(2).</summary>
public sealed class LinuxOverlayMounts : IOverlayMounts
{
    public void MountOverlay(string target, IReadOnlyList<string> lowerDirectories, string upperDirectory, string workDirectory)
    {
        if (lowerDirectories.Count == 0 || lowerDirectories.Any(d => d.Contains(',', StringComparison.Ordinal) || d.Contains(':', StringComparison.Ordinal)))
        {
            throw new ArgumentException("overlay lower directories must be given and free of ',' and ':'", nameof(lowerDirectories));
        }

        Directory.CreateDirectory(target);
        Directory.CreateDirectory(upperDirectory);
        Directory.CreateDirectory(workDirectory);

        // index=off: the upper dir outlives the mount across restarts, and a re-mount must not trip on a stale index.
        var data = $"lowerdir={string.Join(':', lowerDirectories)},upperdir={upperDirectory},workdir={workDirectory},index=off";
        if (Mount("overlay", target, "overlay", MsNoDev, data) != 0)
        {
            throw SyscallException.FromLastError("mount(overlay)", target);
        }
    }

    public void Unmount(string target) => LinuxMounts.Detach(target);

    public bool IsMounted(string target)
    {
        var escaped = target.Replace(" ", "\\040", StringComparison.Ordinal);
        return File.ReadLines("/proc/self/mountinfo").Any(l => l.Split(' ') is { Length: > 4 } f && f[4] == escaped);
    }
}
