using Minato.Docker.Http;

namespace Minato.Docker.Containers;

/// <summary><c>docker update</c>: new resource limits applied live through the engine (and kept in the bundle's spec for
/// later runs) and a new restart policy, both kept in the container's HostConfig so inspect shows them.</summary>
public sealed partial class DockerContainers
{
    /// <summary>Applies <paramref name="request"/> to the container (created, running, paused or stopped).</summary>
    /// <exception cref="DockerApiException">400 for a value dockerd refuses or one Minato cannot apply.</exception>
    public async Task UpdateAsync(DockerContainer container, ContainerUpdateRequest request, CancellationToken cancellationToken)
    {
        Unsupported(request.KernelMemory != 0, "KernelMemory");
        Unsupported(request.MemoryReservation != 0, "MemoryReservation");
        Unsupported(request.BlkioWeight != 0, "BlkioWeight");
        Unsupported(request.CpusetCpus is { Length: > 0 }, "CpusetCpus");
        Unsupported(request.CpusetMems is { Length: > 0 }, "CpusetMems");
        using var held = await _locks.AcquireAsync(container.Id, cancellationToken);
        container = Current(container);
        var host = Merge(container.HostConfig, request);
        if (request.RestartPolicy is { Name.Length: > 0 } && container.HostConfig.AutoRemove && request.RestartPolicy.Name != "no")
        {
            throw DockerApiException.BadRequest("Restart policy cannot be updated because AutoRemove is enabled for the container");
        }

        // The same checks as create (restart policy, limits), on the container as it would be.
        CheckHostConfig(container with { HostConfig = host });
        if (ChangesResources(request))
        {
            var resources = DockerSecurity.Resources(host, [], _specs.Options) with { Devices = null };

            // Removing the pids limit must reach the cgroup: the runtime writes "max" for -1 and skips an absent value.
            if (request.PidsLimit is <= 0)
            {
                resources = resources with { Pids = new Engine.Oci.Spec.LinuxPids(-1) };
            }

            await _engine.UpdateResourcesAsync(container.Id, resources, persist: true, cancellationToken);
        }

        Publish("update", Update(container.Id, c => c with { HostConfig = host }));
    }

    /// <summary>The HostConfig with the request's non-zero values in place.</summary>
    internal static HostConfig Merge(HostConfig host, ContainerUpdateRequest request)
    {
        var merged = host with
        {
            Memory = request.Memory != 0 ? request.Memory : host.Memory,
            MemorySwap = request.MemorySwap != 0 ? request.MemorySwap : host.MemorySwap,
            CpuShares = request.CpuShares != 0 ? request.CpuShares : host.CpuShares,
            PidsLimit = request.PidsLimit is { } pids ? (pids <= 0 ? null : pids) : host.PidsLimit,
            RestartPolicy = request.RestartPolicy is { Name.Length: > 0 } policy ? policy : host.RestartPolicy,
        };

        // NanoCpus and an explicit quota/period exclude each other; dockerd refuses to mix them across updates too.
        if (request.NanoCpus != 0 && (host.CpuQuota > 0 || host.CpuPeriod > 0))
        {
            throw DockerApiException.BadRequest(
                $"Conflicting options: Nano CPUs cannot be updated as CPU {(host.CpuPeriod > 0 ? "Period" : "Quota")} has already been set");
        }

        if ((request.CpuQuota != 0 || request.CpuPeriod != 0) && host.NanoCpus > 0)
        {
            throw DockerApiException.BadRequest(
                $"Conflicting options: CPU {(request.CpuPeriod != 0 ? "Period" : "Quota")} cannot be updated as NanoCPUs has already been set");
        }

        return merged with
        {
            NanoCpus = request.NanoCpus != 0 ? request.NanoCpus : host.NanoCpus,
            CpuQuota = request.CpuQuota != 0 ? request.CpuQuota : host.CpuQuota,
            CpuPeriod = request.CpuPeriod != 0 ? request.CpuPeriod : host.CpuPeriod,
        };
    }

    private static bool ChangesResources(ContainerUpdateRequest request) =>
        request.Memory != 0 || request.MemorySwap != 0 || request.NanoCpus != 0 || request.CpuShares != 0 ||
        request.CpuQuota != 0 || request.CpuPeriod != 0 || request.PidsLimit is not null;

    private static void Unsupported(bool given, string field)
    {
        if (given)
        {
            throw DockerApiException.BadRequest($"{field}: updating it is not supported by Minato");
        }
    }
}
