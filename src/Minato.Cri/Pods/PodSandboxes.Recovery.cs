namespace Minato.Cri.Pods;

/// <summary>Start-up recovery of <see cref="PodSandboxes"/>: finish or undo what a killed daemon left.</summary>
public sealed partial class PodSandboxes
{
    /// <summary>
    /// Undoes sandboxes that were being created, marks sandboxes whose namespaces vanished NOTREADY, and removes
    /// sandbox directories that no record owns. Runs before the socket accepts calls.
    /// </summary>
    public async Task RecoverAsync(CancellationToken cancellationToken)
    {
        foreach (var sandbox in store.All.ToList())
        {
            if (sandbox.Phase == SandboxPhase.Creating)
            {
                PodLog.UndoingInterruptedCreate(logger, sandbox.Id);
                await RollBackAsync(sandbox.Id, new OperationCanceledException("daemon restarted during RunPodSandbox"));
            }
            else if (sandbox.NamespacePaths.Values.Any(p => !namespaces.IsPinned(p)))
            {
                if (sandbox.Phase == SandboxPhase.Ready)
                {
                    PodLog.NamespacesGone(logger, sandbox.Id);
                    store.Update(sandbox with { Phase = SandboxPhase.NotReady });
                }

                await ReleaseLostNetworkAsync(sandbox.Id);
            }
        }

        var root = Path.Combine(options.StateDirectory, "pods");
        if (Directory.Exists(root))
        {
            foreach (var directory in Directory.GetDirectories(root))
            {
                var id = Path.GetFileName(directory);
                if (store.Get(id) is null)
                {
                    RemoveOrphan(directory);
                }
            }
        }

        PodLog.Recovered(logger, store.All.Count);
    }

    /// <summary>
    /// After a reboot the pod's network namespace is gone but the plugins' records of it are not (host-local keeps its
    /// allocations under /var/lib/cni, firewall chains may survive too): DEL now, so the address is free for new pods
    /// before the kubelet gets round to stopping this one. One try; a failure is left to StopPodSandbox.
    /// </summary>
    private async Task ReleaseLostNetworkAsync(string id)
    {
        if (store.Get(id) is not { Network: { TornDown: false } network } sandbox)
        {
            return;
        }

        try
        {
            await DetachNetworkOnceAsync(sandbox, network);
            PodLog.LostNetworkReleased(logger, id, string.Join(", ", network.Ips));
        }
        catch (Minato.Engine.Network.CniException e)
        {
            PodLog.LostNetworkReleaseFailed(logger, id, e.Message);
        }
    }

    private void RemoveOrphan(string directory)
    {
        var ns = Path.Combine(directory, "ns");
        if (Directory.Exists(ns))
        {
            foreach (var pin in Directory.GetFiles(ns))
            {
                namespaces.Unpin(pin);
            }
        }

        mounts.Unmount(Path.Combine(directory, "shm"));
        Directory.Delete(directory, recursive: true);
    }
}
