using Minato.Engine.Linux;

namespace Minato.Engine.Oci.Spec;

/// <summary>A device node on the host: its type (<c>c</c> or <c>b</c>), numbers, mode and owner.</summary>
public sealed record HostDevice(string Path, string Type, long Major, long Minor, uint FileMode, uint Uid, uint Gid);

/// <summary>The host's device nodes; the seam that lets spec tests run without real devices.</summary>
public interface IHostDevices
{
    /// <summary>The device at <paramref name="path"/> (symlinks followed), or null when it is missing or not a device.</summary>
    HostDevice? Find(string path);

    /// <summary>Every device under /dev that a privileged container gets.</summary>
    IReadOnlyList<HostDevice> All();
}

/// <summary><see cref="IHostDevices"/> on the real /dev.</summary>
public sealed class HostDevices : IHostDevices
{
    /// <summary>Directories under /dev that the runtime mounts itself, or that hold no device a container should get.</summary>
    private static readonly HashSet<string> SkippedDirectories = ["/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/fd", "/dev/.udev"];

    public HostDevice? Find(string path)
    {
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        return Status(target) is { } status ? ToDevice(path, status) : null;
    }

    public IReadOnlyList<HostDevice> All()
    {
        var devices = new List<HostDevice>();
        Walk("/dev", devices);
        return devices;
    }

    /// <summary>The entry itself (a symlink is not followed); its parent is opened directly because /dev and the
    /// filesystems below it are separate mounts, which a rooted lookup from '/' refuses to cross.</summary>
    private static FileStatus? Status(string path)
    {
        var parent = System.IO.Path.GetDirectoryName(path);
        if (parent is null || !Directory.Exists(parent))
        {
            return null;
        }

        using var directory = RootedDirectory.Open(parent);
        return directory.GetStatus(System.IO.Path.GetFileName(path));
    }

    private static void Walk(string directory, List<HostDevice> devices)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            if (entry == "/dev/console" || Status(entry) is not { } status)
            {
                continue;
            }

            if (status.IsDirectory && !SkippedDirectories.Contains(entry))
            {
                Walk(entry, devices);
            }
            else if (ToDevice(entry, status) is { } device)
            {
                devices.Add(device);
            }
        }
    }

    private static HostDevice? ToDevice(string path, FileStatus status) =>
        status.IsCharacterDevice || status.IsBlockDevice
            ? new HostDevice(path, status.IsCharacterDevice ? "c" : "b", status.DeviceMajor, status.DeviceMinor, status.Permissions & 0x1FF, status.Uid, status.Gid)
            : null;
}
