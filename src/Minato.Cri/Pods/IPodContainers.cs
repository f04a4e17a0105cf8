namespace Minato.Cri.Pods;

/// <summary>The containers of a pod, as pod teardown sees them: stopped before the pod stops, removed before it goes.</summary>
public interface IPodContainers
{
    /// <summary>Kills every running container of the pod and waits for their exits.</summary>
    Task StopAllAsync(string podId, CancellationToken cancellationToken);

    /// <summary>Removes every container of the pod (force-stopping those that run).</summary>
    Task RemoveAllAsync(string podId, CancellationToken cancellationToken);
}
