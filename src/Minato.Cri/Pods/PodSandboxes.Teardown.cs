using Minato.Engine.Network;

namespace Minato.Cri.Pods;

/// <summary>The idempotent teardown shared by rollback, Stop, Remove and recovery.</summary>
public sealed partial class PodSandboxes
{
    /// <summary>Undoes every side effect a sandbox may have; safe to call again after a partial failure.</summary>
    private async Task TeardownAsync(PodSandbox sandbox, CancellationToken cancellationToken)
    {
        if (sandbox.Network is { TornDown: false } network)
        {
            await DetachNetworkAsync(sandbox, network, options.NetworkTeardownAttempts, cancellationToken);
        }

        if (sandbox.InitPid is { } pid && sandbox.NamespacePaths.TryGetValue("pid", out var pidPath))
        {
            namespaces.KillPidInit(pid, pidPath);
        }

        foreach (var path in sandbox.NamespacePaths.Values)
        {
            namespaces.Unpin(path);
        }

        if (sandbox.ShmPath is { } shm)
        {
            mounts.Unmount(shm);
        }
    }

    /// <summary>One CNI DEL of the sandbox's network, for start-up recovery.</summary>
    private Task DetachNetworkOnceAsync(PodSandbox sandbox, SandboxNetwork network) =>
        DetachNetworkAsync(sandbox, network, attempts: 1, CancellationToken.None);

    private async Task DetachNetworkAsync(PodSandbox sandbox, SandboxNetwork network, int attempts, CancellationToken cancellationToken)
    {
        var list = CniNetworkList.Parse("(recorded)", System.Text.Encoding.UTF8.GetBytes(network.ConfigList));

        // CNI asks for DEL to succeed when the namespace is already gone (e.g. after a reboot): pass an empty path then.
        var netns = sandbox.NetnsPath is { } path && namespaces.IsPinned(path) ? path : string.Empty;
        var attachment = SandboxNetworkArgs.Attachment(sandbox.Id, netns, sandbox.Config.Metadata);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await chain.DeleteAsync(list, attachment, SandboxNetworkArgs.RuntimeConfig(sandbox.Config), network.Result, cancellationToken);
                break;
            }
            catch (CniException e) when (attempt < attempts && !e.TimedOut)
            {
                // A plugin killed at its time limit is not tried again within this call: each try would hang as long, and
                // the kubelet's call would time out with the pod's lock held. Its next Stop or Remove tries again.
                PodLog.TeardownRetry(logger, sandbox.Id, attempt, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }

        if (store.Get(sandbox.Id) is { } current)
        {
            store.Update(current with { Network = network with { TornDown = true } });
        }
    }

    private async Task RollBackAsync(string id, Exception cause)
    {
        if (store.Get(id) is not { } sandbox)
        {
            return;
        }

        try
        {
            await TeardownAsync(sandbox, CancellationToken.None);
            DeleteDirectory(sandbox);
            store.Delete(id);
            PodLog.RolledBack(logger, id, sandbox.Config.Metadata.Key, cause.Message);
        }
        catch (Exception e)
        {
            // The record stays (phase Creating) so the next start of the daemon tries again.
            PodLog.RollbackFailed(logger, id, e);
        }
    }

    private static void DeleteDirectory(PodSandbox sandbox)
    {
        if (Directory.Exists(sandbox.Directory))
        {
            Directory.Delete(sandbox.Directory, recursive: true);
        }
    }
}
