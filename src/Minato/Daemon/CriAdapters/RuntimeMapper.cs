using Minato.Cri.Api.V1;

namespace Minato.Daemon.CriAdapters;

/// <summary>Maps the runtime's readiness conditions, handlers and cgroup driver to the CRI's Status and RuntimeConfig messages.</summary>
/// <remarks>Unqualified types are the CRI's generated ones; the core's carry their namespace.</remarks>
internal static class RuntimeMapper
{
    public static RuntimeCondition ToProto(Cri.Runtime.RuntimeCondition condition) => new()
    {
        Type = condition.Type,
        Status = condition.Status,
        Reason = condition.Reason,
        Message = condition.Message,
    };

    public static RuntimeHandler ToProto(Cri.Runtime.RuntimeHandlerSupport handler) => new()
    {
        Name = handler.Name,
        Features = new RuntimeHandlerFeatures
        {
            RecursiveReadOnlyMounts = handler.RecursiveReadOnlyMounts,
            UserNamespaces = handler.UserNamespaces,
        },
    };

    public static CgroupDriver ToProto(Engine.Linux.Cgroups.CgroupDriver driver) =>
        driver == Engine.Linux.Cgroups.CgroupDriver.Systemd ? CgroupDriver.Systemd : CgroupDriver.Cgroupfs;
}
