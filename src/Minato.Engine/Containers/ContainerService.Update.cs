using System.Text.Json;
using Minato.Engine.Errors;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>Changes to a container that lives on: new cgroup limits, a reopened log.</summary>
public sealed partial class ContainerService
{
    /// <summary>Applies <paramref name="resources"/> through the runtime's <c>update</c> to a created or running container;
    /// an exited one has nothing to apply to. Returns the container as it was updated.</summary>
    public async Task<ContainerRecord> UpdateResourcesAsync(string id, LinuxResources resources, CancellationToken cancellationToken)
    {
        var record = Get(id);
        using var held = await _locks.AcquireAsync(record.Id, cancellationToken);
        record = Get(record.Id);
        if (record.IsLive)
        {
            var json = JsonSerializer.Serialize(resources, RuntimeSpecJsonContext.Default.LinuxResources);
            await Runtime(record.RuntimeHandler).UpdateAsync(record.Id, json, cancellationToken);
        }

        return record;
    }

    /// <summary>Asks the running container's monitor to reopen its log (after the file was renamed); no line is lost.</summary>
    /// <exception cref="PreconditionException">The container is not running, or its monitor did not take the request.</exception>
    public async Task ReopenLogAsync(string id, CancellationToken cancellationToken)
    {
        var record = Running(id);
        try
        {
            await monitor.ReopenLogAsync(record.BundleDirectory, options.RuntimeTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new PreconditionException($"conmon of container {record.Id} did not take the reopen request within {options.RuntimeTimeout.TotalSeconds:0}s");
        }
    }
}
