using Minato.Engine.Errors;

namespace Minato.Engine.Oci.Spec;

/// <summary>One host device a request asks for.</summary>
/// <param name="HostPath">The device on the host.</param>
/// <param name="ContainerPath">Where the container sees it; empty for the host path.</param>
/// <param name="Permissions">cgroup access letters (r, w, m); empty for all three.</param>
public sealed record DeviceRequest(string HostPath, string ContainerPath, string Permissions);

/// <summary>The device nodes and device cgroup rules of a container.</summary>
public sealed record DevicePlan(IReadOnlyList<LinuxDevice> Devices, IReadOnlyList<LinuxDeviceCgroup> Rules)
{
    /// <summary>The devices every container may use: null, zero, full, random, urandom, tty, ptmx and the pty slaves.</summary>
    private static readonly LinuxDeviceCgroup[] StandardRules =
    [
        new(true, "c", 1, 3, "rwm"), new(true, "c", 1, 5, "rwm"), new(true, "c", 1, 7, "rwm"),
        new(true, "c", 1, 8, "rwm"), new(true, "c", 1, 9, "rwm"), new(true, "c", 5, 0, "rwm"),
        new(true, "c", 5, 2, "rwm"), new(true, "c", 136, null, "rwm"),
    ];

    /// <summary>Deny everything, then allow the standard devices and the requested ones; a privileged container gets
    /// every host device and no restriction. <paramref name="field"/> names the request's list in messages.</summary>
    public static DevicePlan Build(bool privileged, IEnumerable<DeviceRequest> requests, IHostDevices host, string field = "devices")
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(host);
        var rules = new List<LinuxDeviceCgroup> { new(false, Access: "rwm") };
        if (privileged)
        {
            // All host devices and no restriction: what "privileged" means to the kubelet and to Docker.
            rules.Add(new(true, Access: "rwm"));
            var all = host.All().Select(d => ToSpec(d, d.Path)).ToList();
            return new DevicePlan(all, rules);
        }

        rules.AddRange(StandardRules);
        var devices = new List<LinuxDevice>();
        foreach (var request in requests)
        {
            var hostPath = SpecValues.ContainerPath($"{field}.host_path", request.HostPath);
            var containerPath = SpecValues.ContainerPath($"{field}.container_path", request.ContainerPath.Length > 0 ? request.ContainerPath : hostPath);
            var access = Permissions(field, request.Permissions);
            var device = host.Find(hostPath) ?? throw new InvalidInputException($"{field}.host_path {hostPath} is not a device on this node");
            devices.Add(ToSpec(device, containerPath));
            rules.Add(new(true, device.Type, device.Major, device.Minor, access));
        }

        return new DevicePlan(devices, rules);
    }

    /// <summary>cgroup access letters: a non-empty combination of r, w and m; empty means all three.</summary>
    private static string Permissions(string field, string permissions)
    {
        if (permissions.Length == 0)
        {
            return "rwm";
        }

        return permissions.Length <= 3 && permissions.All(c => c is 'r' or 'w' or 'm') && permissions.Distinct().Count() == permissions.Length
            ? permissions
            : throw new InvalidInputException($"{field}.permissions \"{SpecValues.Printable(permissions)}\" must combine r, w and m");
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
