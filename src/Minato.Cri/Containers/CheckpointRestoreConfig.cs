using Minato.Engine.Containers;
using Minato.Engine.Errors;

namespace Minato.Cri.Containers;

/// <summary>The config of a container that restores a checkpoint, as CRI-O derives it: the CreateContainer request
/// gives what belongs to the new container (name, attempt, labels, annotations, log path, stdin, resources, security
/// context, and the host paths of the checkpoint's bind mounts), the checkpoint gives the rest (the image it was taken
/// from, the process: arguments, environment, working directory, terminal).</summary>
public static class CheckpointRestoreConfig
{
    /// <summary>Mounts every container gets from the runtime itself (CRI-O's list, and Minato's own); the restore
    /// request need not repeat them and they are set up afresh for the new pod.</summary>
    private static readonly HashSet<string> RuntimeMounts = new(StringComparer.Ordinal)
    {
        "/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup", "/dev/shm",
        "/etc/resolv.conf", "/etc/hostname", "/etc/hosts", "/etc/passwd", "/etc/group", "/run/secrets", "/run/.containerenv",
    };

    /// <summary>The image the checkpoint was taken from: the name in config.dump, else its image id.</summary>
    public static string ImageOf(UnpackedCheckpoint checkpoint) =>
        checkpoint.Config.RootfsImageName.Length > 0 ? checkpoint.Config.RootfsImageName : checkpoint.Config.RootfsImage;

    /// <summary>The new container's config from the request and the checkpoint; <paramref name="imageId"/> is the
    /// resolved image the checkpoint was taken from.</summary>
    /// <exception cref="InvalidInputException">The checkpoint had bind mounts the request does not give host paths for.</exception>
    public static ContainerConfig For(ContainerConfig request, UnpackedCheckpoint checkpoint, string imageId)
    {
        // Every bind mount in the checkpoint must be named by the request: otherwise an archive could mount any host
        // path into the new container without the caller asking for it (CRI-O's rule).
        var checkpointed = (checkpoint.Spec.Mounts ?? []).Select(m => m.Destination).Where(d => !RuntimeMounts.Contains(d)).Distinct(StringComparer.Ordinal).ToList();
        var missing = checkpointed.Where(d => !request.Mounts.Any(m => m.ContainerPath == d)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidInputException(
                $"mounts: restoring {checkpoint.Source} needs the bind mounts it was checkpointed with; give host paths for {string.Join(", ", missing.Take(20))}");
        }

        var process = checkpoint.Spec.Process;
        return request with
        {
            Image = new ContainerImageSpec(imageId, ImageOf(checkpoint)),
            Command = process.Args,
            Args = [],
            WorkingDir = process.Cwd,
            Envs = (process.Env ?? []).Select(Variable).ToList(),
            Mounts = request.Mounts.Where(m => checkpointed.Contains(m.ContainerPath)).ToList(),
            Devices = [],
            Tty = process.Terminal ?? false,
        };
    }

    private static KeyValuePair<string, string> Variable(string entry)
    {
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? KeyValuePair.Create(entry, string.Empty) : KeyValuePair.Create(entry[..equals], entry[(equals + 1)..]);
    }
}
