using System.Text.Json;
using Minato.Engine.Errors;
using Minato.Engine.Linux;
using Minato.Engine.Oci.Spec;

namespace Minato.Engine.Containers;

/// <summary>Changes to a container that lives on: new cgroup limits, a reopened log.</summary>
public sealed partial class ContainerService
{
    private static readonly TimeSpan LogReopenPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Applies <paramref name="resources"/> through the runtime's <c>update</c> to a created or running container;
    /// an exited one has nothing to apply to. Returns the container as it was updated.</summary>
    public Task<ContainerRecord> UpdateResourcesAsync(string id, LinuxResources resources, CancellationToken cancellationToken) =>
        UpdateResourcesAsync(id, resources, persist: false, cancellationToken);

    /// <summary>Applies <paramref name="resources"/> as the overload without <paramref name="persist"/> does. With <paramref name="persist"/>, the memory, CPU and pids limits given also
    /// replace those of the bundle's spec, so a later run of the same bundle (Docker's start of a stopped container)
    /// keeps them. Returns the container as it was updated.</summary>
    public async Task<ContainerRecord> UpdateResourcesAsync(string id, LinuxResources resources, bool persist, CancellationToken cancellationToken)
    {
        var record = Get(id);
        using var held = await _locks.AcquireAsync(record.Id, cancellationToken);
        record = Get(record.Id);
        if (record.IsLive)
        {
            var json = JsonSerializer.Serialize(resources, RuntimeSpecJsonContext.Default.LinuxResources);
            await Runtime(record.RuntimeHandler).UpdateAsync(record.Id, json, cancellationToken);
        }

        if (persist)
        {
            await KeepResourcesAsync(record, resources, cancellationToken);
        }

        return record;
    }

    /// <summary>Writes the given limits into the bundle's config.json (replaced atomically: a crash leaves the old or the
    /// new spec, never half of one).</summary>
    private static async Task KeepResourcesAsync(ContainerRecord record, LinuxResources resources, CancellationToken cancellationToken)
    {
        var path = Path.Combine(record.BundleDirectory, "config.json");
        var spec = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(path, cancellationToken), RuntimeSpecJsonContext.Default.RuntimeSpec)
            ?? throw new InvalidOperationException($"{path} holds no spec");
        var linux = spec.Linux ?? new LinuxSpec();
        var old = linux.Resources ?? new LinuxResources();
        var merged = old with
        {
            Memory = resources.Memory ?? old.Memory,
            Cpu = resources.Cpu ?? old.Cpu,
            Pids = resources.Pids ?? old.Pids,
        };
        var temporary = path + ".update";
        await File.WriteAllBytesAsync(
            temporary, JsonSerializer.SerializeToUtf8Bytes(spec with { Linux = linux with { Resources = merged } }, RuntimeSpecJsonContext.Default.RuntimeSpec), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Asks the running container's monitor to reopen its log (after the file was renamed) and returns once the
    /// new file is at the log path; no line is lost, as the monitor keeps writing the old file until it switches.</summary>
    /// <remarks>The monitor's request is asynchronous. conmon opens <c>&lt;log&gt;.tmp</c> and renames it over the log path,
    /// so the new file is the one at the log path whose inode differs from what was there before the request.</remarks>
    /// <exception cref="PreconditionException">The container is not running, or its monitor did not take the request.</exception>
    /// <exception cref="TimeoutException">The monitor took the request but no new file appeared within <see cref="ContainerServiceOptions.LogReopenTimeout"/>.</exception>
    public async Task ReopenLogAsync(string id, CancellationToken cancellationToken)
    {
        var record = Running(id);
        var before = LogInode(record.LogPath);
        try
        {
            await monitor.ReopenLogAsync(record.BundleDirectory, options.RuntimeTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new PreconditionException($"conmon of container {record.Id} did not take the reopen request within {options.RuntimeTimeout.TotalSeconds:0}s");
        }

        var deadline = DateTime.UtcNow + options.LogReopenTimeout;
        while (LogInode(record.LogPath) is not { } now || now == before)
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException(
                    $"conmon of container {record.Id} took the reopen request but did not reopen {record.LogPath} within {options.LogReopenTimeout.TotalSeconds:0.#}s");
            }

            await Task.Delay(LogReopenPoll, cancellationToken);
        }
    }

    /// <summary>The device and inode of the file at <paramref name="path"/>, null when there is none.</summary>
    private static (ulong Device, ulong Inode)? LogInode(string path) =>
        FileIdentity.Of(path) is { } status ? (status.Device, status.Inode) : null;
}
