using Minato.Cri.Pods;
using Minato.Engine.Containers;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The mounts of a container: the standard kernel filesystems, the pod's files and the CRI bind mounts.</summary>
/// <param name="Mounts">In mount order: a parent destination always before the paths below it.</param>
/// <param name="RootfsPropagation">rshared or rslave when a CRI mount needs it, else null (the runtime's default).</param>
/// <param name="Volumes">Image VOLUME paths (relative, clean) to create inside the container's own layer.</param>
/// <param name="RelabelPaths">Host paths of mounts that asked for an SELinux relabel.</param>
public sealed record ContainerMountPlan(
    IReadOnlyList<SpecMount> Mounts,
    string? RootfsPropagation,
    IReadOnlyList<string> Volumes,
    IReadOnlyList<string> RelabelPaths);

/// <summary>Builds <see cref="ContainerMountPlan"/>; a CRI mount at a standard destination replaces the standard one. An
/// image volume arrives with the host path of the engine's overlay already filled in.</summary>
public static class ContainerMounts
{
    /// <summary>KEP-4639: an image volume is read-only and its files are never executed.</summary>
    private static readonly string[] ImageVolumeOptions = ["ro", "nosuid", "nodev", "noexec"];

    /// <param name="config">The container's request.</param>
    /// <param name="sandbox">Its pod.</param>
    /// <param name="image">Its image's runtime config.</param>
    /// <param name="recursiveReadOnly">Whether the pod's runtime handler makes <c>rro</c> mounts on this host.</param>
    public static ContainerMountPlan Build(ContainerConfig config, PodSandbox sandbox, ImageRuntimeConfig image, bool recursiveReadOnly = false)
    {
        var security = config.Security;
        var byDestination = new Dictionary<string, SpecMount>(StringComparer.Ordinal);
        foreach (var mount in StandardMounts.Kernel(security.Privileged))
        {
            byDestination[mount.Destination] = mount;
        }

        byDestination["/dev/shm"] = Shm(sandbox);
        var access = security.ReadonlyRootfs ? "ro" : "rw";
        foreach (var file in new[] { "hostname", "hosts", "resolv.conf" })
        {
            byDestination["/etc/" + file] = Bind("/etc/" + file, Path.Combine(sandbox.Directory, file), "rprivate", access);
        }

        string? propagation = null;
        var relabel = new List<string>();
        foreach (var mount in config.Mounts)
        {
            var destination = SpecValues.ContainerPath("mounts.container_path", mount.ContainerPath);
            var source = SpecValues.ContainerPath("mounts.host_path", mount.HostPath);
            if (destination == "/")
            {
                throw new InvalidInputException("mounts.container_path must not be /");
            }

            var (mode, needs) = mount.Propagation switch
            {
                MountPropagation.Bidirectional => ("rshared", "rshared"),
                MountPropagation.HostToContainer => ("rslave", "rslave"),
                _ => ("rprivate", null),
            };
            propagation = propagation == "rshared" ? propagation : needs ?? propagation;
            byDestination[destination] = mount.Image.Length > 0
                ? new SpecMount { Destination = destination, Type = "bind", Source = source, Options = ["rbind", mode, .. ImageVolumeOptions] }
                : mount.RecursiveReadOnly
                    ? RecursiveReadOnly(mount, destination, source, sandbox.RuntimeHandler, recursiveReadOnly)
                    : Bind(destination, source, mode, mount.Readonly ? "ro" : "rw");

            // An image volume is the engine's read-only overlay of shared snapshots: never relabelled.
            if (mount.SelinuxRelabel && mount.Image.Length == 0)
            {
                relabel.Add(source);
            }
        }

        // Stable sort by depth: a parent is mounted before anything below it, in request order otherwise.
        var mounts = byDestination.Values.OrderBy(m => m.Destination.Count(c => c == '/')).ToList();
        return new ContainerMountPlan(mounts, propagation, Volumes(image, byDestination.Keys), relabel);
    }

    /// <summary>Image VOLUMEs stay in the container's own writable layer: no host directory is mounted or copied, so a
    /// VOLUME that is a symlink (even to '/') resolves inside the rootfs only. Kernel filesystems are refused.</summary>
    private static List<string> Volumes(ImageRuntimeConfig image, IEnumerable<string> mounted)
    {
        var destinations = mounted.ToList();
        var volumes = new List<string>();
        foreach (var declared in image.Volumes)
        {
            var path = SpecValues.ContainerPath("image VOLUME", declared.StartsWith('/') ? declared : "/" + declared);
            if (path == "/" || SpecValues.IsUnder(path, "/proc") || SpecValues.IsUnder(path, "/sys"))
            {
                throw new InvalidInputException($"image VOLUME \"{declared}\" is not allowed (/, /proc and /sys belong to the runtime)");
            }

            if (!destinations.Any(d => SpecValues.IsUnder(path, d)))
            {
                volumes.Add(path[1..]);
            }
        }

        return volumes;
    }

    /// <summary>The pod's shm when it has a private IPC namespace; the host's for host-IPC pods (sharing memory with host
    /// processes is what host IPC is for, as containerd and CRI-O do); otherwise a private tmpfs.</summary>
    private static SpecMount Shm(PodSandbox sandbox)
    {
        if (sandbox.ShmPath is { } shm)
        {
            return Bind("/dev/shm", shm, "rprivate", "rw");
        }

        return sandbox.Config.Namespaces.Ipc == NamespaceMode.Node
            ? Bind("/dev/shm", "/dev/shm", "rprivate", "rw")
            : StandardMounts.Shm();
    }

    /// <summary>CRI (KEP-3857): recursive_read_only needs readonly and private propagation, and is refused rather than
    /// made half (the submounts writable) when the runtime cannot do it; <c>rro</c> makes the runtime set
    /// MOUNT_ATTR_RDONLY with AT_RECURSIVE on the bound tree.</summary>
    private static SpecMount RecursiveReadOnly(ContainerMount mount, string destination, string source, string handler, bool supported)
    {
        if (!mount.Readonly)
        {
            throw new InvalidInputException($"mounts.recursive_read_only of {destination} needs readonly to be set as well");
        }

        if (mount.Propagation != MountPropagation.Private)
        {
            throw new InvalidInputException($"mounts.recursive_read_only of {destination} needs private propagation (got {mount.Propagation})");
        }

        return supported
            ? new() { Destination = destination, Type = "bind", Source = source, Options = ["rbind", "rprivate", "ro", "rro"] }
            : throw new InvalidInputException(
                $"mounts.recursive_read_only of {destination}: runtime handler {handler} does not make recursive read-only mounts on this host");
    }

    private static SpecMount Bind(string destination, string source, string propagation, string access) =>
        StandardMounts.Bind(destination, source, propagation, access);
}
