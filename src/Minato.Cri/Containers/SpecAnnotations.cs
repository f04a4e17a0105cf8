using Minato.Engine.Oci.Spec;

namespace Minato.Cri.Containers;

/// <summary>The annotations a runtime sees: Minato's own, plus allow-listed ones from the request and the pod.</summary>
/// <remarks>Annotations reach OCI runtime hooks and runtimes that change behaviour on them (crun's
/// <c>run.oci.*</c>, for example), so nothing passes unless configured; Minato's own prefix is never taken from a
/// caller or an image, so nobody can forge what the daemon itself asserts.</remarks>
public static class SpecAnnotations
{
    /// <summary>The prefix reserved for annotations and labels Minato sets itself.</summary>
    public const string ReservedPrefix = "io.minato.";

    public static IReadOnlyDictionary<string, string> Build(string containerId, ContainerConfig config, Pods.PodSandbox sandbox, IReadOnlyList<string> allowList)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in sandbox.Config.Annotations.Concat(config.Annotations))
        {
            if (!key.StartsWith(ReservedPrefix, StringComparison.Ordinal) && Allowed(key, allowList))
            {
                result[key] = SpecValues.NoNul($"annotations[{key}]", value);
            }
        }

        var metadata = sandbox.Config.Metadata;
        result[ReservedPrefix + "container-type"] = "container";
        result[ReservedPrefix + "container-id"] = containerId;
        result[ReservedPrefix + "container-name"] = config.Metadata.Name;
        result[ReservedPrefix + "sandbox-id"] = sandbox.Id;
        result[ReservedPrefix + "sandbox-name"] = metadata.Name;
        result[ReservedPrefix + "sandbox-namespace"] = metadata.Namespace;
        result[ReservedPrefix + "sandbox-uid"] = metadata.Uid;
        result[ReservedPrefix + "image-name"] = config.Image.UserSpecifiedImage.Length > 0 ? config.Image.UserSpecifiedImage : config.Image.Image;
        return result;
    }

    /// <summary>Labels or annotations from an image without those in Minato's reserved prefix.</summary>
    public static IReadOnlyDictionary<string, string> WithoutReserved(IReadOnlyDictionary<string, string> values) =>
        values.Where(p => !p.Key.StartsWith(ReservedPrefix, StringComparison.Ordinal)).ToDictionary(StringComparer.Ordinal);

    /// <summary>True when <paramref name="key"/> equals an entry, or starts with an entry's text before a final '*'.</summary>
    public static bool Allowed(string key, IReadOnlyList<string> allowList) =>
        allowList.Any(a => a.EndsWith('*') ? key.StartsWith(a[..^1], StringComparison.Ordinal) : key == a);
}
