using Minato.Docker.Http;
using Minato.Engine.Containers;
using Minato.Engine.Oci.Spec;

namespace Minato.Docker.Containers;

/// <summary>Builds the OCI spec of a Docker container from its Config and HostConfig, its image and its mounted rootfs,
/// with Docker's defaults (capabilities, seccomp, masked paths, /etc files of its own).</summary>
/// <remarks>Everything but reading the image's /etc/passwd and /etc/group and host device numbers is a pure function of
/// the record and <see cref="DockerSpecOptions"/>; a bad value is a 400 naming the field.</remarks>
public sealed class DockerSpecBuilder(DockerSpecOptions options, IHostDevices devices)
{
    /// <summary>Where <c>--init</c> binds the init, as dockerd does.</summary>
    public const string InitPath = "/sbin/docker-init";

    /// <summary>Bound on the image's /etc/passwd and /etc/group.</summary>
    private const int MaxUserDatabaseBytes = 4 * 1024 * 1024;

    public DockerSpecOptions Options => options;

    /// <param name="container">The door's record.</param>
    /// <param name="rootfs">The mounted rootfs and the image's config.</param>
    /// <param name="networkNamespace">The network namespace to join (<c>container:</c> mode), or null.</param>
    public PreparedSpec Build(DockerContainer container, ContainerRootfs rootfs, string? networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(rootfs);
        var (config, host, image) = (container.Config, container.HostConfig, rootfs.Image);
        var (userName, groupName) = DockerProcess.User(config, image);
        var user = DockerProcess.Checked("User", () => ImageUsers.Resolve(rootfs.Path, userName, groupName, memberships: true, MaxUserDatabaseBytes));
        var capabilities = DockerSecurity.CapabilitySet(host, options);
        var (seccomp, noNewPrivileges) = DockerSecurity.Options(host, capabilities, options);
        var devicePlan = DockerProcess.Checked("Devices", () => DevicePlan.Build(host.Privileged, DeviceRequests(host), devices, "Devices"));
        var cwd = DockerProcess.WorkingDir(config, image);
        var args = Args(container, host);
        var mounts = DockerMounts.Build(container).ToList();
        if (host.Init == true)
        {
            mounts.Add(StandardMounts.Bind(InitPath, options.InitPath!, "rprivate", "ro"));
        }

        var hostname = Hostname(container);
        var process = new SpecProcess
        {
            Terminal = config.Tty ? true : null,
            ConsoleSize = config.Tty && host.ConsoleSize is [var height, var width] && height > 0 && width > 0
                ? new SpecConsoleSize((uint)height, (uint)width) : null,
            User = new SpecUser { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids },
            Args = args,
            Env = DockerProcess.Environment(config, image, hostname, user.Home),
            Cwd = cwd,
            Capabilities = Capabilities.Sets(capabilities),
            NoNewPrivileges = noNewPrivileges ? true : null,
        };
        var spec = new RuntimeSpec
        {
            Root = new SpecRoot(rootfs.Path, host.ReadonlyRootfs ? true : null),
            Process = process,
            Hostname = hostname,
            Mounts = mounts,
            Linux = new LinuxSpec
            {
                Namespaces = Namespaces(NetworkMode(host), networkNamespace),
                Devices = devicePlan.Devices.Count > 0 ? devicePlan.Devices : null,
                CgroupsPath = CgroupsPath(container.Id),
                Resources = DockerSecurity.Resources(host, devicePlan.Rules, options),
                Seccomp = seccomp,
                MaskedPaths = host.Privileged ? null : ProcPaths.DefaultMasked,
                ReadonlyPaths = host.Privileged ? null : ProcPaths.DefaultReadonly,
            },
        };
        var directories = cwd == "/" ? [] : new[] { cwd[1..] };
        return new PreparedSpec(spec, directories, StopSignal(config, image));
    }

    /// <summary>The process's argv: the command, behind the init with <c>--init</c>.</summary>
    /// <exception cref="DockerApiException">400 when <c>--init</c> is asked for and no init is installed.</exception>
    public IReadOnlyList<string> Args(DockerContainer container, HostConfig host)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(host);
        IReadOnlyList<string> command = [container.Path, .. container.Args];
        if (host.Init != true)
        {
            return command;
        }

        return options.InitPath is null
            ? throw DockerApiException.BadRequest("--init needs catatonit (Debian package catatonit), which is not installed on this host")
            : [InitPath, "--", .. command];
    }

    /// <summary>Config.Hostname, else the host's on the host network, else the id's first 12 digits.</summary>
    public string Hostname(DockerContainer container)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (container.Config.Hostname is { Length: > 0 } name)
        {
            return name;
        }

        return NetworkMode(container.HostConfig) == "host" ? options.HostName : container.Id[..12];
    }

    /// <summary>The stop signal: Config's, else the image's, else SIGTERM; checked.</summary>
    public static string StopSignal(ContainerConfig config, ImageRuntimeConfig image)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(image);
        var signal = config.StopSignal is { Length: > 0 } s ? s : image.StopSignal is { Length: > 0 } i ? i : "SIGTERM";
        try
        {
            StopSignals.Parse(signal);
        }
        catch (Engine.Errors.InvalidInputException e)
        {
            throw new DockerApiException(400, $"Invalid signal: {signal}", e);
        }

        return signal;
    }

    /// <summary>HostConfig.NetworkMode with Docker's synonyms folded.</summary>
    public static string NetworkMode(HostConfig host) => Networks.ContainerNetworks.NormalMode(host?.NetworkMode ?? string.Empty);

    private string CgroupsPath(string id) =>
        options.CgroupDriver == "systemd" ? $"system.slice:minato-docker:{id}" : $"/minato-docker/{id}";

    private List<LinuxNamespace> Namespaces(string mode, string? networkNamespace)
    {
        var namespaces = new List<LinuxNamespace> { new("pid"), new("ipc"), new("uts"), new("mount") };
        if (networkNamespace is not null)
        {
            namespaces.Add(new("network", networkNamespace));
        }
        else if (mode != "host")
        {
            namespaces.Add(new("network"));
        }

        if (options.CgroupV2)
        {
            namespaces.Add(new("cgroup"));
        }

        return namespaces;
    }

    private static IEnumerable<DeviceRequest> DeviceRequests(HostConfig host) =>
        (host.Devices ?? []).Select(d => new DeviceRequest(d.PathOnHost ?? string.Empty, d.PathInContainer ?? string.Empty, d.CgroupPermissions ?? string.Empty));
}
