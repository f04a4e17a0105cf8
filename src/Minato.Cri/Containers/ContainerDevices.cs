using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>Builds the CRI container's <see cref="DevicePlan"/> from its request.</summary>
public static class ContainerDevices
{
    public static DevicePlan Build(ContainerConfig config, IHostDevices host)
    {
        ArgumentNullException.ThrowIfNull(config);
        return DevicePlan.Build(config.Security.Privileged, config.Devices.Select(d => new DeviceRequest(d.HostPath, d.ContainerPath, d.Permissions)), host);
    }
}
