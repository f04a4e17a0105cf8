namespace Minato.Migrate.Node;

/// <summary>
/// Makes the edits of a <see cref="NodeCheck"/> (<c>minato migrate node --apply</c>): only on a drained node,
/// each file backed up first (<c>FILE.minato-backup</c>, or with a timestamp when that exists), each written
/// whole to a temporary file and renamed over the old one, so a crash leaves the old or the new file, never half.
/// </summary>
public static class NodeChanges
{
    /// <summary>The backups written, in order; throws <see cref="NodeNotDrainedException"/> on a node with pods.</summary>
    public static IReadOnlyList<string> Apply(NodeFiles files, NodeCheck check, TimeProvider time)
    {
        if (!check.IsDrained)
        {
            throw new NodeNotDrainedException(check.PodsStillRunning);
        }

        // Every file is checked against what was read before anything is written: a concurrent edit stops the lot.
        foreach (var change in check.Changes)
        {
            if (files.ReadText(change.Path) != change.Before)
            {
                throw new IOException($"{change.Path} changed since it was read; run minato migrate node again");
            }
        }

        var backups = new List<string>();
        var done = new List<(string Path, string? Backup)>();
        try
        {
            foreach (var change in check.Changes)
            {
                done.Add(Write(files, change, time, backups));
            }
        }
        catch
        {
            // Put back what was already changed, so a failure leaves the node as it was.
            foreach (var (path, backup) in done)
            {
                if (backup is null)
                {
                    File.Delete(path);
                }
                else
                {
                    File.Copy(backup, path, overwrite: true);
                }
            }

            throw;
        }

        return backups;
    }

    /// <summary>Writes one file after backing it up; returns its path and backup (null for a new file).</summary>
    private static (string Path, string? Backup) Write(NodeFiles files, FileChange change, TimeProvider time, List<string> backups)
    {
        var path = files.Resolve(change.Path);
        string? backup = null;
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (change.Before is not null)
        {
            mode = File.GetUnixFileMode(path);
            backup = path + ".minato-backup";
            if (File.Exists(backup))
            {
                backup = $"{path}.minato-backup-{time.GetUtcNow():yyyyMMddTHHmmssZ}";
            }

            File.Copy(path, backup, overwrite: false);
            backups.Add(backup);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }

        var temporary = path + ".minato-new";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(change.After);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temporary, mode);
        File.Move(temporary, path, overwrite: true);
        return (path, backup);
    }
}

/// <summary>--apply on a node that still runs pods other than DaemonSet and static pods.</summary>
public sealed class NodeNotDrainedException(IReadOnlyList<DockerContainer> pods)
    : Exception(
        $"the node is not drained: {pods.Count} pod(s) still run ({string.Join(", ", pods.Take(5).Select(p => $"{p.PodNamespace}/{p.PodName}"))}" +
        $"{(pods.Count > 5 ? ", …" : "")}); run kubectl drain first, nothing was changed")
{
    public IReadOnlyList<DockerContainer> Pods { get; } = pods;
}
