using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The device nodes and device cgroup rules of a container.</summary>
public sealed record ContainerDevicePlan(IReadOnlyList<LinuxDevice> Devices, IReadOnlyList<LinuxDeviceCgroup> Rules);

/// <summary>Builds <see cref="ContainerDevicePlan"/>: deny everything, then allow the standard devices and the requested ones.</summary>
public static class ContainerDevices
{
    /// <summary>The devices every container may use: null, zero, full, random, urandom, tty, ptmx and the pty slaves.</summary>
    private static readonly LinuxDeviceCgroup[] StandardRules =
    [
        new(true, "c", 1, 3, "rwm"), new(true, "c", 1, 5, "rwm"), new(true, "c", 1, 7, "rwm"),
        new(true, "c", 1, 8, "rwm"), new(true, "c", 1, 9, "rwm"), new(true, "c", 5, 0, "rwm"),
        new(true, "c", 5, 2, "rwm"), new(true, "c", 136, null, "rwm"),
    ];

    public static ContainerDevicePlan Build(ContainerConfig config, IHostDevices host)
    {
        var rules = new List<LinuxDeviceCgroup> { new(false, Access: "rwm") };
        if (config.Security.Privileged)
        {
            // All host devices and no restriction: what "privileged" means to the kubelet and to Docker.
            rules.Add(new(true, Access: "rwm"));
            var all = host.All().Select(d => ToSpec(d, d.Path)).ToList();
            return new ContainerDevicePlan(all, rules);
        }

        rules.AddRange(StandardRules);
        var devices = new List<LinuxDevice>();
        foreach (var request in config.Devices)
        {
            var hostPath = SpecValues.ContainerPath("devices.host_path", request.HostPath);
            var containerPath = SpecValues.ContainerPath("devices.container_path", request.ContainerPath.Length > 0 ? request.ContainerPath : hostPath);
            var access = Permissions(request.Permissions);
            var device = host.Find(hostPath) ?? throw new InvalidInputException($"devices.host_path {hostPath} is not a device on this node");
            devices.Add(ToSpec(device, containerPath));
            rules.Add(new(true, device.Type, device.Major, device.Minor, access));
        }

        return new ContainerDevicePlan(devices, rules);
    }

    /// <summary>cgroup access letters: a non-empty combination of r, w and m; empty means all three.</summary>
    private static string Permissions(string permissions)
    {
        if (permissions.Length == 0)
        {
            return "rwm";
        }

        return permissions.Length <= 3 && permissions.All(c => c is 'r' or 'w' or 'm') && permissions.Distinct().Count() == permissions.Length
            ? permissions
            : throw new InvalidInputException($"devices.permissions \"{SpecValues.Printable(permissions)}\" must combine r, w and m");
    }

    private static LinuxDevice ToSpec(HostDevice device, string containerPath) => new()
    {
        Path = containerPath,
        Type = device.Type,
        Major = device.Major,
        Minor = device.Minor,
        FileMode = device.FileMode,
        Uid = device.Uid,
        Gid = device.Gid,
    };
}
