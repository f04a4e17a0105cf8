using Minato.Engine.Devices.Cdi;
using Minato.Engine.Errors;

namespace Minato.Cri.Containers;

/// <summary>The CDI devices a CRI container asks for: <c>CDI_devices</c> (set by the kubelet for device plugins and DRA
/// since Kubernetes 1.28), then the values of <c>cdi.k8s.io/&lt;name&gt;</c> annotations (older device plugins), each a
/// comma-separated list of fully qualified names, as containerd and CRI-O read them.</summary>
public static class ContainerCdiDevices
{
    /// <summary>The annotation key prefix CDI defines.</summary>
    public const string AnnotationPrefix = "cdi.k8s.io/";

    /// <summary>Most names one request may carry (before duplicates are dropped).</summary>
    public const int MaxNames = 1024;

    /// <summary>The qualified names in request order (annotations by key), without duplicates.</summary>
    /// <exception cref="InvalidInputException">A name is not a fully qualified CDI device name; the message names the field.</exception>
    public static IReadOnlyList<string> Requested(ContainerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var names = new List<string>();
        for (var i = 0; i < config.CdiDevices.Count; i++)
        {
            names.Add(Checked($"CDI_devices[{i}].name", config.CdiDevices[i]));
        }

        foreach (var (key, value) in config.Annotations.Where(a => a.Key.StartsWith(AnnotationPrefix, StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            names.AddRange(value.Split(',').Select(name => Checked($"annotation {key}", name)));
            if (names.Count > MaxNames)
            {
                break;
            }
        }

        return names.Count > MaxNames
            ? throw new InvalidInputException($"CDI devices: more than {MaxNames} names requested")
            : names.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string Checked(string field, string name) =>
        CdiDeviceName.TryParse(name, out _, out var error) ? name : throw new InvalidInputException($"{field}: {error}");
}
