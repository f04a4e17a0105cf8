using Minato.Engine.Devices.Cdi;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Interop;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>Device nodes of a container in a user namespace, which runc binds from the host instead of creating them.</summary>
/// <remarks>
/// A user namespace cannot mknod, so runc 1.1 bind-mounts each of <c>linux.devices</c> from the host file at the
/// device's <em>container</em> path. A device exposed under another name (a CDI node with a <c>hostPath</c>, a CRI or
/// Docker device whose container path differs from its host path, a CDI node given by type and numbers only) has no
/// such host file, and runc would fail or bind another device. The daemon, root on the host, makes those nodes under
/// the bundle, owned by the host ids that the device's owner maps to, and hands each over as a bind mount; the
/// devices cgroup rules stay as they are.
/// </remarks>
internal static class UserNamespaceDevices
{
    private const string DirectoryName = "devices";

    /// <summary>The spec with every device that has no same node at its path on the host replaced by a bind of a node
    /// made under <paramref name="bundle"/>; the bind mounts are returned apart (they must not be id-mapped).</summary>
    public static (RuntimeSpec Spec, IReadOnlyList<SpecMount> Binds) Prepare(RuntimeSpec spec, string bundle, UserNamespaceMappings mappings)
    {
        var devices = spec.Linux?.Devices;
        if (devices is null || devices.Count == 0)
        {
            return (spec, []);
        }

        var kept = new List<LinuxDevice>();
        var binds = new List<SpecMount>();
        var directory = Path.Combine(bundle, DirectoryName);
        foreach (var device in devices)
        {
            if (HostHasSame(device))
            {
                kept.Add(device);
                continue;
            }

            if (binds.Count == 0)
            {
                // Searchable by others: runc resolves the bind source as the namespace's root, a plain host uid.
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                    UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }

            var name = binds.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            MakeNode(directory, name, device, mappings);
            binds.Add(new SpecMount { Destination = device.Path, Source = Path.Combine(directory, name), Type = "bind", Options = ["bind", "nosuid", "noexec"] });
        }

        return binds.Count == 0 ? (spec, []) : (spec with { Linux = spec.Linux! with { Devices = kept.Count > 0 ? kept : null } }, binds);
    }

    private static bool HostHasSame(LinuxDevice device)
    {
        if (CdiHostFiles.Status(device.Path) is not { } status)
        {
            return false;
        }

        return device.Type switch
        {
            "p" => status.IsFifo,
            "b" => status.IsBlockDevice && status.DeviceMajor == device.Major && status.DeviceMinor == device.Minor,
            _ => status.IsCharacterDevice && status.DeviceMajor == device.Major && status.DeviceMinor == device.Minor,
        };
    }

    private static void MakeNode(string directory, string name, LinuxDevice device, UserNamespaceMappings mappings)
    {
        var type = device.Type switch
        {
            "p" => LinuxConstants.SIfIfo,
            "b" => LinuxConstants.SIfBlk,
            _ => LinuxConstants.SIfChr,
        };
        using var root = RootedDirectory.Open(directory);
        root.CreateNode(name, type, (uint)device.Major, (uint)device.Minor);
        var path = Path.Combine(directory, name);

        // 0666 is the runtime spec's default; the owner is the device's (root unless given) as the host sees it.
        File.SetUnixFileMode(path, (UnixFileMode)((device.FileMode ?? 0x1B6) & 0x1FF));
        var uid = UserNamespaceMappings.HostIdOf(mappings.Uids, device.Uid ?? 0);
        var gid = UserNamespaceMappings.HostIdOf(mappings.Gids, device.Gid ?? 0);
        using var handle = root.OpenDirectory(string.Empty);
        SyscallException.ThrowIfFailed(
            Libc.Fchownat(handle, name, uid ?? 0, gid ?? 0, LinuxConstants.AtSymlinkNoFollow), "fchownat", path);
    }
}
