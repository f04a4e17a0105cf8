using System.Text;
using Minato.Docker.Http;
using Minato.Engine.Oci.Spec;

namespace Minato.Docker.Containers;

/// <summary>HostConfig's security and resource settings as spec values: capabilities, seccomp, no_new_privs, cgroups.</summary>
public static class DockerSecurity
{
    /// <summary>The default CFS period dockerd uses for NanoCpus.</summary>
    public const long CpuPeriod = 100_000;

    /// <summary>Docker's default set with CapAdd and CapDrop; everything the daemon holds when privileged.</summary>
    public static IReadOnlyList<string> CapabilitySet(HostConfig host, DockerSpecOptions options)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        return DockerProcess.Checked("HostConfig", () => host.Privileged
            ? options.HostCapabilities.Select(c => Capabilities.Normalize("host capabilities", c)).ToList()
            : Capabilities.Apply(DockerSpecOptions.DefaultCapabilities, new CapabilityChanges(host.CapAdd ?? [], host.CapDrop ?? []), options.HostCapabilities));
    }

    /// <summary>The security options that apply: seccomp (null for unconfined) and no_new_privs.</summary>
    /// <exception cref="DockerApiException">400 for an option dockerd would refuse or this daemon cannot honour.</exception>
    public static (LinuxSeccomp? Seccomp, bool NoNewPrivileges) Options(HostConfig host, IReadOnlyList<string> bounding, DockerSpecOptions options)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        LinuxSeccomp? seccomp = host.Privileged ? null : RuntimeDefaultSeccomp.For(bounding, options.Architecture);
        var noNewPrivileges = false;
        foreach (var option in host.SecurityOpt ?? [])
        {
            var at = option.IndexOfAny(['=', ':']);
            var (key, value) = at < 0 ? (option, string.Empty) : (option[..at], option[(at + 1)..]);
            switch (key)
            {
                case "seccomp" when value == "unconfined":
                    seccomp = null;
                    break;
                case "seccomp" when value is "builtin" or "default":
                    break;
                case "seccomp" when !host.Privileged:
                    // The CLI sends the profile's content, not its path.
                    seccomp = DockerProcess.Checked("SecurityOpt", () => SeccompProfileFile.Parse("from SecurityOpt", Encoding.UTF8.GetBytes(value)));
                    break;
                case "seccomp":
                    break;
                case "no-new-privileges" when value is "" or "true":
                    noNewPrivileges = true;
                    break;
                case "no-new-privileges" when value == "false":
                    noNewPrivileges = false;
                    break;
                case "apparmor" or "label":
                    // No AppArmor or SELinux here: dockerd on such a host ignores these too.
                    break;
                default:
                    throw DockerApiException.BadRequest($"Invalid --security-opt: \"{option}\"");
            }
        }

        return (seccomp, noNewPrivileges);
    }

    /// <summary>Memory (and swap), CPU (NanoCpus as a CFS quota, shares, quota and period) and the pids limit.</summary>
    public static LinuxResources Resources(HostConfig host, IReadOnlyList<LinuxDeviceCgroup> devices, DockerSpecOptions options)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        if (host.Memory < 0 || host.MemorySwap < -1 || host.NanoCpus < 0 || host.CpuShares < 0 || host.CpuQuota < -1 || host.CpuPeriod < 0)
        {
            throw DockerApiException.BadRequest("Memory, MemorySwap, NanoCpus, CpuShares, CpuQuota and CpuPeriod must not be negative");
        }

        if (host.Memory is > 0 and < 6 * 1024 * 1024)
        {
            throw DockerApiException.BadRequest("Minimum memory limit allowed is 6MB");
        }

        if (host.MemorySwap > 0 && host.MemorySwap < host.Memory)
        {
            throw DockerApiException.BadRequest("Minimum memoryswap limit should be larger than memory limit, see usage");
        }

        if (host.NanoCpus > 0 && (host.CpuQuota > 0 || host.CpuPeriod > 0))
        {
            throw DockerApiException.BadRequest("Conflicting options: Nano CPUs and CPU Period cannot both be set");
        }

        if (host.NanoCpus > (long)Environment.ProcessorCount * 1_000_000_000)
        {
            throw DockerApiException.BadRequest($"Range of CPUs is from 0.01 to {Environment.ProcessorCount}.00, as there are only {Environment.ProcessorCount} CPUs available");
        }

        long? limit = host.Memory > 0 ? host.Memory : null;

        // dockerd: no MemorySwap with a memory limit allows as much swap again as memory.
        long? swap = host.MemorySwap != 0 ? host.MemorySwap : limit * 2;
        var memory = limit is null && host.MemorySwap == 0 ? null : new LinuxMemory { Limit = limit, Swap = options.SwapAccounting ? swap : null };
        var cpu = new LinuxCpu
        {
            Shares = host.CpuShares > 0 ? (ulong)host.CpuShares : null,
            Quota = host.NanoCpus > 0 ? host.NanoCpus * CpuPeriod / 1_000_000_000 : host.CpuQuota != 0 ? host.CpuQuota : null,
            Period = host.NanoCpus > 0 ? CpuPeriod : host.CpuPeriod > 0 ? (ulong)host.CpuPeriod : null,
        };
        return new LinuxResources
        {
            Devices = devices,
            Memory = memory,
            Cpu = cpu == new LinuxCpu() ? null : cpu,
            Pids = host.PidsLimit > 0 ? new LinuxPids(host.PidsLimit.Value) : null,
        };
    }
}
