using Minato.Engine.Linux.Cgroups;

namespace Minato.Daemon;

/// <summary>Facts about the machine detected once at start-up.</summary>
/// <param name="CgroupMode">How cgroups are mounted (v2 unified, hybrid or legacy v1).</param>
internal sealed record HostFacts(CgroupMode CgroupMode);
