using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Devices.Cdi;

/// <summary>One <c>containerEdits</c> object with its device nodes resolved on the host.</summary>
/// <param name="Origin">Where the edits come from, for messages: the device and its spec file.</param>
/// <param name="Device">The qualified device name; null for a spec's common edits.</param>
/// <param name="Edits">The edits as written.</param>
/// <param name="Nodes">Each device node as the runtime creates it, with its cgroup rule (null: no access, or not b/c).</param>
internal sealed record CdiEditSet(string Origin, string? Device, CdiContainerEdits Edits, IReadOnlyList<(LinuxDevice Node, LinuxDeviceCgroup? Rule)> Nodes)
{
    public static CdiEditSet Resolve(string origin, string? device, CdiContainerEdits edits) =>
        new(origin, device, edits, (edits.DeviceNodes ?? []).Select(n => Node(origin, n)).ToList());

    /// <summary>Fills type, numbers and mode from the host node when the spec leaves them out, as CDI does: a node that
    /// gives its type and major (or is a FIFO) need not exist on the host; any other must.</summary>
    private static (LinuxDevice, LinuxDeviceCgroup?) Node(string origin, CdiDeviceNode node)
    {
        var path = node.Path!;
        var hostPath = node.HostPath is { Length: > 0 } host ? host : path;
        var type = node.Type is { Length: > 0 } t ? t : null;
        var complete = type is not null && (node.Major != 0 || type == "p");
        var (major, minor, mode) = (node.Major, node.Minor, node.FileMode);
        if (CdiHostFiles.Status(hostPath) is { } status && (status.IsCharacterDevice || status.IsBlockDevice || status.IsFifo))
        {
            var hostType = status.IsBlockDevice ? "b" : status.IsFifo ? "p" : "c";
            mode ??= status.Permissions;
            if (!complete)
            {
                if (type is not null && type != hostType && !(type == "u" && hostType == "c"))
                {
                    throw new InvalidInputException($"{origin}: device node {path} has type {type} but host node {hostPath} is of type {hostType}");
                }

                type ??= hostType;
                if (major == 0 && hostType != "p")
                {
                    (major, minor) = (status.DeviceMajor, status.DeviceMinor);
                }
            }
        }
        else if (!complete)
        {
            throw new InvalidInputException($"{origin}: device node {hostPath} is missing on this host or is not a device node");
        }

        var device = new LinuxDevice { Path = path, Type = type!, Major = major, Minor = minor, FileMode = mode, Uid = node.Uid, Gid = node.Gid };
        var access = node.Permissions switch
        {
            null or "" => "rwm",
            "none" => null,
            var p => p,
        };
        return (device, type is "b" or "c" && access is not null ? new LinuxDeviceCgroup(true, type, major, minor, access) : null);
    }
}
