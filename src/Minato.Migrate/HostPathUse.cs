namespace Minato.Migrate;

/// <summary>How a pod uses a hostPath volume: the normalised node path, and who mounts it where, as evidence text.</summary>
internal static class HostPathUse
{
    /// <summary>Collapses repeated and trailing slashes so <c>/var/run/</c> and <c>//var/run</c> compare equal.</summary>
    public static string Normalize(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', parts);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or inside it (both normalised).</summary>
    public static bool IsAtOrUnder(string path, string root) =>
        path == root || path.StartsWith(root + "/", StringComparison.Ordinal);

    /// <summary>One evidence line per container mounting the volume; one for the bare volume if none does.</summary>
    public static IEnumerable<string> Describe(PodSpec spec, HostPathVolume volume)
    {
        var path = Normalize(volume.Path);
        var any = false;
        foreach (var (container, mountPath) in spec.MountsOf(volume.Name))
        {
            any = true;
            yield return $"{container} mounts hostPath {path} at {mountPath}";
        }

        if (!any)
        {
            yield return $"volume {volume.Name} is hostPath {path}";
        }
    }
}
