using System.Globalization;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>Containers in a pinned user namespace: the spec's mappings, and every bind mount id-mapped by the daemon.</summary>
/// <remarks>
/// runc 1.1 has no id-mapped mounts, so each bind source is replaced by an id-mapped clone attached under the bundle
/// (<see cref="ContainerRecord.IdMappedDirectory"/>), which runc then binds like any directory: container root sees
/// the host's root-owned files as its own, and its writes land on the host as the ids the files have outside
/// (root's as 0), never as the namespace's host range. Ids outside the mapping show as the overflow id (nobody).
/// </remarks>
public sealed partial class ContainerService
{
    private RuntimeSpec JoinUserNamespace(ContainerRecord record, RuntimeSpec spec, ContainerUserNamespace userNamespace, IReadOnlyList<string> imageVolumes)
    {
        var linux = spec.Linux ?? new LinuxSpec();

        // runc 1.1.5 refuses to join a user namespace by path without the mappings ("User namespaces enabled, but no
        // uid mappings found"); it does not write them when joining, it needs them for the ids of what it creates.
        linux = linux with { UidMappings = userNamespace.Mappings.Uids, GidMappings = userNamespace.Mappings.Gids };
        if (linux.Namespaces?.Any(n => n.Type == "user") != true)
        {
            linux = linux with { Namespaces = [new LinuxNamespace("user", userNamespace.Path), .. linux.Namespaces ?? []] };
        }

        // Device nodes are bound from the host, never id-mapped (devtmpfs cannot be).
        (spec, var deviceBinds) = UserNamespaceDevices.Prepare(spec with { Linux = linux }, record.BundleDirectory, userNamespace.Mappings);
        linux = spec.Linux!;
        var mounted = new List<SpecMount>();
        Directory.CreateDirectory(record.IdMappedDirectory);
        foreach (var mount in spec.Mounts ?? [])
        {
            // Image volumes are overlays of id-mapped layers already (overlayfs itself cannot be id-mapped).
            if (!IsBind(mount) || mount.Source is not { Length: > 0 } source || imageVolumes.Contains(source))
            {
                mounted.Add(mount);
                continue;
            }

            var target = Path.Combine(record.IdMappedDirectory, mounted.Count.ToString(CultureInfo.InvariantCulture));
            try
            {
                mounts.BindIdMapped(source, target, userNamespace.Path);
            }
            catch (IOException e)
            {
                throw new PreconditionException(
                    $"mount {mount.Destination}: {source} cannot be id-mapped for the pod's user namespace (its filesystem may not support id-mapped mounts): {e.Message}", e);
            }

            mounted.Add(mount with { Source = target });
        }

        return spec with { Linux = linux, Mounts = [.. mounted, .. deviceBinds] };
    }

    /// <summary>The runtime mounts the rootfs and the binds from inside the user namespace, as its root, which is no
    /// owner on the host: every directory above the bundle must let others search it (the daemon makes its state root
    /// 0711).</summary>
    /// <exception cref="PreconditionException">A directory above the bundle has no search bit for others.</exception>
    private static void CheckReachable(string bundle)
    {
        for (var directory = Path.GetDirectoryName(bundle); !string.IsNullOrEmpty(directory); directory = Path.GetDirectoryName(directory))
        {
            if ((File.GetUnixFileMode(directory) & UnixFileMode.OtherExecute) == 0)
            {
                throw new PreconditionException(
                    $"{directory} has no search permission for others, so root of the pod's user namespace (a plain host uid) cannot reach the container's rootfs below it: give it o+x (mode 0711)");
            }
        }
    }

    private static bool IsBind(SpecMount mount) =>
        mount.Type == "bind" || mount.Options?.Any(o => o is "bind" or "rbind") == true;

    /// <summary>Detaches the id-mapped clones; never a recursive delete, so a clone that would not go keeps its host files.</summary>
    private void UnmountIdMappedBinds(ContainerRecord record)
    {
        var directory = record.IdMappedDirectory;
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).ToList())
        {
            mounts.Unmount(entry);
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry);
            }
            else
            {
                File.Delete(entry);
            }
        }

        Directory.Delete(directory);
    }
}
