using System.Globalization;
using System.Text.Json;

namespace Minato.Engine.Oci;

/// <summary>What an OCI runtime binary says it supports (<c>&lt;runtime&gt; features</c>, runtime-spec features.md),
/// reduced to what Minato asks of it.</summary>
/// <param name="MountOptions">The mount options the runtime understands; empty when it has no <c>features</c> command.</param>
/// <param name="Namespaces">The namespace types it can create or join (<c>linux.namespaces</c>); null when not said.</param>
public sealed record OciRuntimeFeatures(IReadOnlySet<string> MountOptions, IReadOnlySet<string>? Namespaces = null)
{
    /// <summary>Linux 5.12 added mount_setattr(2), which <c>rro</c> needs.</summary>
    private static readonly Version MountSetattrKernel = new(5, 12);

    /// <summary>Linux 6.3 id-maps tmpfs (the pod's /dev/shm and a tmpfs state root), after overlayfs layers (5.19).</summary>
    private static readonly Version IdMappedTmpfsKernel = new(6, 3);

    private const int MaxOutputChars = 1 << 20;

    /// <summary>Nothing known: the runtime gave no usable answer.</summary>
    public static OciRuntimeFeatures None { get; } = new(new HashSet<string>());

    /// <summary>True when the runtime makes a mount and everything under it read-only (<c>rro</c>) and this kernel
    /// lets it (mount_setattr with AT_RECURSIVE).</summary>
    public bool RecursiveReadOnly => MountOptions.Contains("rro") && KernelVersion() >= MountSetattrKernel;

    /// <summary>True when pods can run in their own user namespace with this runtime: it joins a <c>user</c> namespace by
    /// path, the kernel id-maps every mount the daemon prepares for it (the runtime itself need not: runc 1.1 cannot),
    /// and util-linux's <c>unshare</c> is there to make the namespace.</summary>
    public bool UserNamespaces => Namespaces?.Contains("user") == true && KernelVersion() >= IdMappedTmpfsKernel &&
        ExecutableSearch.Find("unshare") is not null;

    /// <summary>Runs <c>features</c> on the handler's binary through <see cref="OciRuntimeCli"/>; <see cref="None"/> when it
    /// is missing, fails, takes longer than <paramref name="timeout"/> or prints something else (crun before 1.10 has
    /// no such command).</summary>
    public static async Task<OciRuntimeFeatures> ProbeAsync(OciRuntimeHandler handler, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            var output = await new OciRuntimeCli(handler, timeout).FeaturesAsync(cancellationToken);
            return output.Length <= MaxOutputChars ? Parse(output) : None;
        }
        catch (Exception e) when (e is OciRuntimeException or System.ComponentModel.Win32Exception or IOException)
        {
            return None;
        }
    }

    /// <summary>Every handler probed at once (start-up waits for the slowest, not the sum), keyed by handler name.</summary>
    public static async Task<IReadOnlyDictionary<string, OciRuntimeFeatures>> ProbeAllAsync(IEnumerable<OciRuntimeHandler> handlers, TimeSpan timeout)
    {
        var list = handlers.ToList();
        var features = await Task.WhenAll(list.Select(h => ProbeAsync(h, timeout)));
        return list.Select((h, i) => (h.Name, features[i])).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>Reads a features document; <see cref="None"/> when it is not one.</summary>
    public static OciRuntimeFeatures Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("mountOptions", out var options) || options.ValueKind != JsonValueKind.Array)
            {
                return None;
            }

            var namespaces = document.RootElement.TryGetProperty("linux", out var linux) && linux.ValueKind == JsonValueKind.Object &&
                linux.TryGetProperty("namespaces", out var list) && list.ValueKind == JsonValueKind.Array
                ? Strings(list)
                : null;
            return new OciRuntimeFeatures(Strings(options), namespaces);
        }
        catch (JsonException)
        {
            return None;
        }
    }

    private static HashSet<string> Strings(JsonElement array) =>
        array.EnumerateArray().Where(o => o.ValueKind == JsonValueKind.String).Select(o => o.GetString()!).ToHashSet(StringComparer.Ordinal);

    /// <summary>The running kernel's major.minor, from <c>/proc/sys/kernel/osrelease</c>.</summary>
    private static Version KernelVersion()
    {
        try
        {
            var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
            var parts = release.Split('.', 3);
            return parts.Length >= 2 &&
                int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) &&
                int.TryParse(new string(parts[1].TakeWhile(char.IsAsciiDigit).ToArray()), NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
                ? new Version(major, minor)
                : new Version(0, 0);
        }
        catch (IOException)
        {
            return new Version(0, 0);
        }
    }
}
