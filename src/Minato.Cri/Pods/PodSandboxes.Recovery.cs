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
            else if (sandbox.Phase == SandboxPhase.Ready && sandbox.NamespacePaths.Values.Any(p => !namespaces.IsPinned(p)))
            {
                PodLog.NamespacesGone(logger, sandbox.Id);
                store.Update(sandbox with { Phase = SandboxPhase.NotReady });
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
