using System.Text.Json;
using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>UpdateContainerResources: new cgroup limits through the runtime's <c>update</c>, kept in the record.</summary>
public sealed partial class ContainerLifecycle
{
    /// <summary>Applies <paramref name="resources"/> to a created or running container and records them; an exited one only records them.</summary>
    public async Task UpdateResourcesAsync(string id, ContainerResources resources, CancellationToken cancellationToken)
    {
        var record = Get(id);
        var gate = Gate(record.Id);
        await gate.WaitAsync(cancellationToken);
        try
        {
            record = Get(record.Id);

            // Built by the same rules as at create, so the values are validated the same way; device rules stay as created.
            var linux = ContainerCgroup.Resources(resources, [], specs.Options) with { Devices = null };
            if (record.Phase is ContainerPhase.Created or ContainerPhase.Running)
            {
                var json = JsonSerializer.Serialize(linux, RuntimeSpecJsonContext.Default.LinuxResources);
                await Cli(record).UpdateAsync(record.Id, json, cancellationToken);
            }

            lock (_stateLock)
            {
                if (store.Get(record.Id) is { } current)
                {
                    store.Update(current with { Config = current.Config with { Resources = resources } });
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
