using System.Text.RegularExpressions;
using Minato.Docker.Http;
using Minato.Engine.Oci.Spec;

namespace Minato.Docker.Containers;

/// <summary>A host directory or file the request binds: the door checks it exists (or makes the directory, for Binds).</summary>
/// <param name="Path">The host path.</param>
/// <param name="Create">Made as a directory when missing (Binds do, Mounts of type bind refuse instead).</param>
public sealed record HostSource(string Path, bool Create);

/// <summary>The mounts of a Docker container: kernel filesystems, the per-container files, Binds, Mounts and Tmpfs.</summary>
public static partial class DockerMounts
{
    /// <summary>A volume a container asks for: by name, or anonymous (empty name); <c>NoCopy</c> when the image's content
    /// at its path must not be copied into it.</summary>
    public sealed record VolumeRequest(string Name, string Destination, bool ReadOnly, bool NoCopy = false);

    /// <summary>The volumes the request names (Binds <c>name:/path</c>, Mounts of type volume) and the image's VOLUMEs
    /// that nothing else covers, as anonymous ones.</summary>
    /// <exception cref="DockerApiException">400 for a malformed bind or mount.</exception>
    public static IReadOnlyList<VolumeRequest> Volumes(HostConfig host, IEnumerable<string> imageVolumes)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(imageVolumes);
        var byDestination = new Dictionary<string, VolumeRequest>(StringComparer.Ordinal);
        var covered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bind in host.Binds ?? [])
        {
            var parts = bind.Split(':');
            if (parts.Length is >= 1 and <= 3 && parts[0].Length > 0 && !parts[0].StartsWith('/') && parts.Length >= 2)
            {
                var options = parts.Length == 3 ? parts[2].Split(',') : [];
                var destination = Destination("Binds", parts[1]);
                byDestination[destination] = new VolumeRequest(parts[0], destination, options.Contains("ro"), options.Contains("nocopy"));
            }
            else if (parts.Length == 1 && parts[0].StartsWith('/'))
            {
                // "-v /path": an anonymous volume at /path.
                var destination = Destination("Binds", parts[0]);
                byDestination[destination] = new VolumeRequest(string.Empty, destination, false);
            }
            else
            {
                covered.Add(ParseBind(bind).Destination);
            }
        }

        foreach (var mount in host.Mounts ?? [])
        {
            var target = Destination("Mounts.Target", mount.Target ?? string.Empty);
            if (mount.Type == "volume")
            {
                byDestination[target] = new VolumeRequest(mount.Source ?? string.Empty, target, mount.ReadOnly, mount.VolumeOptions?.NoCopy ?? false);
            }
            else
            {
                covered.Add(target);
            }
        }

        foreach (var target in (host.Tmpfs ?? []).Keys)
        {
            covered.Add(Destination("Tmpfs", target));
        }

        foreach (var volume in imageVolumes)
        {
            var destination = Destination("image VOLUME", volume);
            if (!covered.Contains(destination) && !byDestination.ContainsKey(destination))
            {
                byDestination[destination] = new VolumeRequest(string.Empty, destination, false);
            }
        }

        return [.. byDestination.Values];
    }

    /// <summary>True for a Binds entry that names a volume rather than a host path.</summary>
    public static bool IsVolumeBind(string bind) => bind.Split(':') is var parts && (parts.Length == 1 || !parts[0].StartsWith('/'));

    /// <summary>The host paths the request binds, for the door to check before anything is made.</summary>
    /// <exception cref="DockerApiException">400 for a malformed bind or mount, or a named volume.</exception>
    public static IReadOnlyList<HostSource> Sources(HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var sources = new List<HostSource>();
        foreach (var bind in (host.Binds ?? []).Where(b => !IsVolumeBind(b)))
        {
            sources.Add(new HostSource(ParseBind(bind).Source!, Create: true));
        }

        foreach (var mount in host.Mounts ?? [])
        {
            if (mount.Type != "volume" && Mount(mount) is { Type: "bind", Source: { } source })
            {
                sources.Add(new HostSource(source, Create: false));
            }
        }

        return sources;
    }

    /// <summary>Every mount in mount order; a request's mount at a standard destination replaces the standard one.</summary>
    public static IReadOnlyList<SpecMount> Build(DockerContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        var host = container.HostConfig;
        var byDestination = new Dictionary<string, SpecMount>(StringComparer.Ordinal);
        foreach (var mount in StandardMounts.Kernel(host.Privileged))
        {
            byDestination[mount.Destination] = mount;
        }

        byDestination["/dev/shm"] = StandardMounts.Shm(host.ShmSize);
        var access = host.ReadonlyRootfs ? "ro" : "rw";
        byDestination["/etc/hostname"] = StandardMounts.Bind("/etc/hostname", container.HostnamePath, "rprivate", access);
        byDestination["/etc/hosts"] = StandardMounts.Bind("/etc/hosts", container.HostsPath, "rprivate", access);
        byDestination["/etc/resolv.conf"] = StandardMounts.Bind("/etc/resolv.conf", container.ResolvConfPath, "rprivate", access);
        foreach (var bind in (host.Binds ?? []).Where(b => !IsVolumeBind(b)))
        {
            var mount = ParseBind(bind);
            byDestination[mount.Destination] = mount;
        }

        foreach (var request in (host.Mounts ?? []).Where(m => m.Type != "volume"))
        {
            var mount = Mount(request);
            byDestination[mount.Destination] = mount;
        }

        foreach (var volume in container.Volumes)
        {
            byDestination[volume.Destination] = StandardMounts.Bind(volume.Destination, volume.HostPath, "rprivate", volume.ReadOnly ? "ro" : "rw");
        }

        foreach (var (target, options) in host.Tmpfs ?? [])
        {
            var destination = Destination("Tmpfs", target);
            byDestination[destination] = StandardMounts.Filesystem(destination, "tmpfs", TmpfsOptions(target, options));
        }

        return StandardMounts.InMountOrder(byDestination.Values);
    }

    /// <summary><c>/host:/ctr[:opts]</c> with opts among ro, rw, z, Z, nocopy and the propagation modes.</summary>
    public static SpecMount ParseBind(string bind)
    {
        ArgumentNullException.ThrowIfNull(bind);
        var parts = bind.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
        {
            throw DockerApiException.BadRequest($"invalid volume specification: '{bind}'");
        }

        if (!parts[0].StartsWith('/'))
        {
            throw DockerApiException.BadRequest($"invalid volume specification: '{bind}' names volume {parts[0]}, not a host path");
        }

        var source = DockerProcess.Checked("Binds", () => SpecValues.ContainerPath("Binds", parts[0]));
        var destination = Destination("Binds", parts[1]);
        var access = "rw";
        var propagation = "rprivate";
        foreach (var option in parts.Length == 3 ? parts[2].Split(',') : [])
        {
            switch (option)
            {
                case "ro" or "rw":
                    access = option;
                    break;
                case "z" or "Z" or "nocopy" or "":
                    break;
                case "private" or "rprivate" or "shared" or "rshared" or "slave" or "rslave":
                    propagation = option;
                    break;
                default:
                    throw DockerApiException.BadRequest($"invalid mode: {option}");
            }
        }

        return StandardMounts.Bind(destination, source, propagation, access);
    }

    private static SpecMount Mount(MountRequest mount)
    {
        var target = Destination("Mounts.Target", mount.Target ?? string.Empty);
        switch (mount.Type)
        {
            case "bind":
                if (mount.Source is not { Length: > 0 } source || !source.StartsWith('/'))
                {
                    throw DockerApiException.BadRequest($"invalid mount config for type \"bind\": invalid mount path: '{mount.Source}' mount path must be absolute");
                }

                var clean = DockerProcess.Checked("Mounts.Source", () => SpecValues.ContainerPath("Mounts.Source", source));
                return StandardMounts.Bind(target, clean, "rprivate", mount.ReadOnly ? "ro" : "rw");
            case "tmpfs":
                if (mount.Source is { Length: > 0 })
                {
                    throw DockerApiException.BadRequest("invalid mount config for type \"tmpfs\": field Source must not be specified");
                }

                List<string> options = ["nosuid", "nodev", mount.ReadOnly ? "ro" : "rw"];
                if (mount.TmpfsOptions is { } tmpfs)
                {
                    if (tmpfs.SizeBytes < 0 || tmpfs.Mode is < 0 or > 0xFFF)
                    {
                        throw DockerApiException.BadRequest("invalid mount config for type \"tmpfs\": SizeBytes and Mode must be valid");
                    }

                    if (tmpfs.SizeBytes > 0)
                    {
                        options.Add($"size={tmpfs.SizeBytes}");
                    }

                    if (tmpfs.Mode > 0)
                    {
                        options.Add($"mode={Convert.ToString(tmpfs.Mode, 8)}");
                    }
                }

                return StandardMounts.Filesystem(target, "tmpfs", options);
            case "volume":
                throw DockerApiException.BadRequest($"invalid mount config: volume {mount.Source} at {mount.Target} is not a host path");
            default:
                throw DockerApiException.BadRequest($"invalid mount config: mount type \"{mount.Type}\" is not supported");
        }
    }

    /// <summary>A tmpfs's options (<c>rw,noexec,size=64m</c>): each a word, or a word with a plain value.</summary>
    private static List<string> TmpfsOptions(string target, string options)
    {
        List<string> result = ["nosuid", "nodev"];
        foreach (var option in options.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TmpfsOption().IsMatch(option))
            {
                throw DockerApiException.BadRequest($"invalid tmpfs option \"{option}\" for {target}");
            }

            result.Add(option);
        }

        if (!result.Any(o => o is "ro" or "rw"))
        {
            result.Add("rw");
        }

        return result;
    }

    private static string Destination(string field, string path)
    {
        if (!path.StartsWith('/'))
        {
            throw DockerApiException.BadRequest($"invalid mount config: {field} '{path}' must be an absolute path");
        }

        var clean = DockerProcess.Checked(field, () => SpecValues.ContainerPath(field, path));
        return clean == "/" ? throw DockerApiException.BadRequest($"invalid mount config: {field} must not be '/'") : clean;
    }

    [GeneratedRegex(@"^[a-z_]+(=[A-Za-z0-9._]+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex TmpfsOption();
}
