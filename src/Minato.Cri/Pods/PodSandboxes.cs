using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Minato.Engine;
using Minato.Engine.Coordination;
using Minato.Engine.Errors;
using Minato.Engine.Linux;
using Minato.Engine.Linux.Namespaces;
using Minato.Engine.Network;

namespace Minato.Cri.Pods;

/// <summary>Pod sandbox lifecycle: run, stop, remove, status, list, and recovery after a restart.</summary>
/// <remarks>
/// A sandbox is recorded (phase Creating) before any side effect, so a crash at any point is either finished
/// or undone by <see cref="RecoverAsync"/>. Every teardown step is idempotent, which makes Stop and Remove
/// safe to repeat, and lets rollback, stop, remove and recovery share one implementation.
/// </remarks>
public sealed partial class PodSandboxes(
    SandboxStore store,
    INamespaces namespaces,
    IMounts mounts,
    CniConfigDirectory cni,
    CniChain chain,
    PodSandboxOptions options,
    TimeProvider time,
    ILogger<PodSandboxes> logger,
    IPodContainers? containers = null)
{
    private readonly NameReservations _names = new("pod sandbox");
    private readonly KeyedLocks _locks = new();

    /// <summary>Creates and starts a sandbox; on any failure nothing of it is left behind.</summary>
    /// <returns>The ready sandbox.</returns>
    public async Task<PodSandbox> RunAsync(SandboxConfig config, CancellationToken cancellationToken)
    {
        SandboxValidation.Validate(config);
        var handler = ResolveHandler(config.RuntimeHandler);
        if (config.UserNamespace.IsPrivate && options.UserNamespaceHandlers is { } able && !able.Contains(handler))
        {
            throw new InvalidInputException(
                $"namespace_options.userns_options mode POD: runtime handler {handler} does not run pods in a user namespace on this host (Status reports runtime_handlers[].features.user_namespaces false)");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var key = config.Metadata.Key;
        using var reservation = _names.Reserve(key, id);
        using var held = await _locks.AcquireAsync(id, CancellationToken.None);
        await ReclaimStaleNameAsync(key);
        var sandbox = Plan(id, config, handler);
        store.Insert(sandbox);
        try
        {
            return await CreateAsync(sandbox, cancellationToken);
        }
        catch (Exception e)
        {
            await RollBackAsync(id, e);
            throw;
        }
    }

    /// <summary>Stops the sandbox: network torn down, namespaces released. Unknown ids succeed (CRI: idempotent).</summary>
    public Task StopAsync(string id, CancellationToken cancellationToken) =>
        StopThenAsync(id, removeContainers: false, sandbox => PodLog.Stopped(logger, sandbox.Id), cancellationToken);

    /// <summary>Removes the sandbox and everything it made. Unknown ids succeed (CRI: idempotent).</summary>
    public Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        StopThenAsync(
            id,
            removeContainers: true,
            sandbox =>
            {
                DeleteDirectory(sandbox);
                store.Delete(sandbox.Id);
                _locks.Forget(sandbox.Id);
                PodLog.Removed(logger, sandbox.Id);
            },
            cancellationToken);

    /// <summary>Under the sandbox's lock: mark it NOTREADY, stop (or remove) its containers, tear it down, then run <paramref name="after"/>.</summary>
    private async Task StopThenAsync(string id, bool removeContainers, Action<PodSandbox> after, CancellationToken cancellationToken)
    {
        if (store.Find(id) is not { } found)
        {
            return;
        }

        using (await _locks.AcquireAsync(found.Id, cancellationToken))
        {
            // Another call may have removed it while this one waited for the lock.
            if (store.Get(found.Id) is not { } sandbox)
            {
                return;
            }

            if (sandbox.Phase == SandboxPhase.Ready)
            {
                sandbox = store.Update(sandbox with { Phase = SandboxPhase.NotReady });
            }

            // Containers first: they live in the namespaces and network torn down below.
            if (containers is not null)
            {
                await (removeContainers
                    ? containers.RemoveAllAsync(sandbox.Id, cancellationToken)
                    : containers.StopAllAsync(sandbox.Id, cancellationToken));
            }

            await TeardownAsync(sandbox, cancellationToken);
            after(sandbox);
        }
    }

    /// <summary>The sandbox with this id or unique id prefix.</summary>
    /// <exception cref="NotFoundException">No such sandbox.</exception>
    public PodSandbox Get(string id) =>
        store.Find(id) is { Phase: not SandboxPhase.Creating } sandbox ? sandbox : throw new NotFoundException($"pod sandbox {id} not found");

    /// <summary>Sandboxes matching the filter; sandboxes still being created are not listed.</summary>
    public IReadOnlyList<PodSandbox> List(SandboxFilter filter)
    {
        IEnumerable<PodSandbox> sandboxes = store.All.Where(p => p.Phase != SandboxPhase.Creating);
        if (filter.Id is { Length: > 0 } id)
        {
            sandboxes = store.Find(id) is { Phase: not SandboxPhase.Creating } one ? [one] : [];
        }

        if (filter.Ready is { } ready)
        {
            sandboxes = sandboxes.Where(p => p.IsReady == ready);
        }

        if (filter.Labels.Count > 0)
        {
            sandboxes = sandboxes.Where(p => LabelSelector.Matches(p.Config.Labels, filter.Labels));
        }

        return sandboxes.OrderBy(p => p.CreatedAt).ToList();
    }

    /// <summary>
    /// A record still in phase Creating whose name this call now holds is left from a failed rollback (no other
    /// call can be creating it): try the rollback again so one bad moment does not block the name until a restart.
    /// </summary>
    private async Task ReclaimStaleNameAsync(string key)
    {
        var stale = store.All.FirstOrDefault(p => p.Phase == SandboxPhase.Creating && p.Config.Metadata.Key == key);
        if (stale is not null)
        {
            await RollBackAsync(stale.Id, new InvalidOperationException("a new RunPodSandbox reuses the name"));
        }
    }

    private PodSandbox Plan(string id, SandboxConfig config, string handler)
    {
        var directory = options.SandboxDirectory(id);
        var paths = new Dictionary<string, string>();
        if (config.Namespaces.PrivateNetwork)
        {
            paths["net"] = Path.Combine(directory, "ns", "net");
            paths["uts"] = Path.Combine(directory, "ns", "uts");
        }

        if (config.Namespaces.PrivateIpc)
        {
            paths["ipc"] = Path.Combine(directory, "ns", "ipc");
        }

        if (config.Namespaces.Pid == NamespaceMode.Pod)
        {
            paths["pid"] = Path.Combine(directory, "ns", "pid");
        }

        // The pod's user namespace owns its net, ipc and uts namespaces; it is pinned beside them.
        if (config.UserNamespace.IsPrivate)
        {
            paths["user"] = Path.Combine(directory, "ns", "user");
        }

        // A host-network pod shares the node's UTS namespace: its hostname is the node's (asking for another is refused).
        var hostname = !config.Namespaces.PrivateNetwork ? Environment.MachineName
            : config.Hostname.Length > 0 ? config.Hostname
            : SandboxValidation.IsHostname(config.Metadata.Name) ? config.Metadata.Name : id[..12];
        return new PodSandbox
        {
            Id = id,
            Config = config,
            RuntimeHandler = handler,
            Phase = SandboxPhase.Creating,
            CreatedAt = time.UnixNanoseconds(),
            Directory = directory,
            NamespacePaths = paths,
            Hostname = hostname,
            ShmPath = config.Namespaces.PrivateIpc ? Path.Combine(directory, "shm") : null,
        };
    }

    private string ResolveHandler(string requested)
    {
        if (requested.Length == 0)
        {
            return options.DefaultRuntimeHandler;
        }

        return options.RuntimeHandlers.Contains(requested)
            ? requested
            : throw new InvalidInputException(
                $"runtime handler \"{requested}\" is not configured (configured: {string.Join(", ", options.RuntimeHandlers)})");
    }

}

/// <summary>ListPodSandbox filter in core terms; empty fields match everything.</summary>
/// <param name="Id">Full id or unique prefix.</param>
/// <param name="Ready">True for SANDBOX_READY, false for SANDBOX_NOTREADY, null for both.</param>
/// <param name="Labels">Labels that must all match exactly.</param>
public sealed record SandboxFilter(string? Id, bool? Ready, IReadOnlyDictionary<string, string> Labels);
