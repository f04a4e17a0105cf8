using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>Builds the OCI runtime spec of a container from its CRI config, its pod, its image and its rootfs.</summary>
/// <remarks>
/// Everything except reading the image's /etc/passwd and /etc/group (inside the rootfs), Localhost seccomp files and
/// host device numbers is a pure function of the request and <see cref="ContainerSpecOptions"/>; each rule lives in
/// the collaborator named in the method below. Every request value that reaches argv, env or a path is checked there,
/// and a failure is an <see cref="InvalidInputException"/> (or NotFound / Precondition) naming the field.
/// </remarks>
public sealed partial class ContainerSpecBuilder(ContainerSpecOptions options, IHostDevices devices, ILogger<ContainerSpecBuilder> logger)
{
    private readonly OomScore _oomScore = new(logger);

    public ContainerSpecOptions Options => options;

    public ContainerSpec Build(ContainerSpecRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (id, config, sandbox, image) = (request.ContainerId, request.Config, request.Sandbox, request.Image);
        if (!ContainerId().IsMatch(id))
        {
            throw new ArgumentException($"container id \"{id}\" must be 1-128 letters, digits, '_', '.' or '-'", nameof(request));
        }

        if (config.Metadata.Name.Length == 0)
        {
            throw new InvalidInputException("metadata.name is required");
        }

        SpecValues.SingleLine("metadata.name", config.Metadata.Name);
        var security = config.Security;
        var user = UserResolver.Resolve(request.RootfsPath, security, image.User, options.MaxUserDatabaseBytes);
        var capabilities = ContainerCapabilities.Resolve(security, options);
        var namespaces = SpecNamespaces.Build(config, sandbox, request.PidNamespaceOf, options);
        var mounts = ContainerMounts.Build(config, sandbox, image, options.RecursiveReadOnlyHandlers.Contains(sandbox.RuntimeHandler));
        var devicePlan = ContainerDevices.Build(config, devices);
        var cwd = ContainerProcess.WorkingDir(config, image);
        var process = new SpecProcess
        {
            Terminal = config.Tty ? true : null,
            User = new SpecUser { Uid = user.Uid, Gid = user.Gid, AdditionalGids = user.AdditionalGids },
            Args = ContainerProcess.Args(config, image),
            Env = ContainerEnvironment.Build(config, image, sandbox.Hostname, user.Home),
            Cwd = cwd,
            Capabilities = capabilities,
            Rlimits = options.Rlimits.Count > 0 ? options.Rlimits : null,
            NoNewPrivileges = security.NoNewPrivs && !security.Privileged ? true : null,
            ApparmorProfile = ContainerProfiles.AppArmor(security, options),
            OomScoreAdj = _oomScore.Clamp(config.Resources.OomScoreAdj, options.OomScoreAdjFloor),
        };
        var spec = new RuntimeSpec
        {
            Root = new SpecRoot(request.RootfsPath, security.ReadonlyRootfs ? true : null),
            Process = process,
            Hostname = namespaces.Any(n => n.Type == "uts") && sandbox.Hostname.Length > 0 ? sandbox.Hostname : null,
            Mounts = mounts.Mounts,
            Linux = new LinuxSpec
            {
                Namespaces = namespaces,
                Devices = devicePlan.Devices.Count > 0 ? devicePlan.Devices : null,
                CgroupsPath = ContainerCgroup.Path(id, sandbox, options),
                Resources = ContainerCgroup.Resources(config.Resources, devicePlan.Rules, options),
                Seccomp = ContainerProfiles.Seccomp(security, capabilities.Bounding, options),
                RootfsPropagation = mounts.RootfsPropagation,
                MaskedPaths = ProcPaths.Resolve("masked_paths", security.MaskedPaths, ProcPaths.DefaultMasked, security.Privileged),
                ReadonlyPaths = ProcPaths.Resolve("readonly_paths", security.ReadonlyPaths, ProcPaths.DefaultReadonly, security.Privileged),
            },
            Annotations = SpecAnnotations.Build(id, config, sandbox, options.AllowedAnnotations),
        };
        var directories = mounts.Volumes.Concat(cwd == "/" ? [] : [cwd[1..]]).Distinct(StringComparer.Ordinal).ToList();
        return new ContainerSpec(spec, directories, mounts.RelabelPaths, ContainerProcess.StopSignal(config, image), user);
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\z")]
    private static partial Regex ContainerId();
}
