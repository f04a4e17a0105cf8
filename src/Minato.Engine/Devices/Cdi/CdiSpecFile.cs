using System.Text;
using System.Text.Json;

namespace Minato.Engine.Devices.Cdi;

/// <summary>A CDI spec file that was read and validated: where it lies, how it ranks, its kind and devices.</summary>
/// <param name="Path">The file.</param>
/// <param name="Priority">The index of its directory in <c>cdi_spec_dirs</c>; a later directory overrides an earlier one.</param>
/// <param name="Vendor">The vendor part of the kind.</param>
/// <param name="Class">The class part of the kind.</param>
/// <param name="Spec">The spec as written.</param>
public sealed record CdiSpecFile(string Path, int Priority, string Vendor, string Class, CdiSpec Spec)
{
    /// <summary>The CDI versions Minato reads, oldest first; later versions add fields (see <see cref="MinimumVersion"/>).</summary>
    public static readonly IReadOnlyList<string> Versions = ["0.3.0", "0.4.0", "0.5.0", "0.6.0", "0.7.0", "0.8.0", "1.0.0"];

    public string Kind => Vendor + "/" + Class;

    /// <summary>The devices by name.</summary>
    public IReadOnlyDictionary<string, CdiDevice> Devices { get; } =
        Spec.Devices?.Where(d => d.Name is not null).ToDictionary(d => d.Name!, StringComparer.Ordinal) ?? [];

    /// <summary>Reads a spec from its bytes, JSON or (for a <c>.yaml</c> file) YAML.</summary>
    /// <exception cref="FormatException">The file does not parse or is not a valid CDI spec; the message says why, not where.</exception>
    public static CdiSpecFile Parse(string path, int priority, ReadOnlySpan<byte> content)
    {
        byte[] json;
        if (path.EndsWith(".yaml", StringComparison.Ordinal))
        {
            json = CdiYaml.ToJson(Encoding.UTF8.GetString(content));
        }
        else
        {
            json = content.ToArray();
        }

        CdiSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize(json, CdiSpecJsonContext.Default.CdiSpec);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a CDI spec: {e.Message}", e);
        }

        if (spec is null)
        {
            throw new FormatException("the file holds no spec");
        }

        var (vendor, @class, kindError) = CdiDeviceName.ParseKind(spec.Kind ?? string.Empty);
        if (kindError is not null)
        {
            throw new FormatException(kindError);
        }

        CdiSpecValidation.Validate(spec);
        return new CdiSpecFile(path, priority, vendor, @class, spec);
    }

    /// <summary>The oldest CDI version that has every field the spec uses.</summary>
    public static string MinimumVersion(CdiSpec spec)
    {
        var devices = spec.Devices ?? [];
        var edits = devices.Select(d => d.ContainerEdits).Append(spec.ContainerEdits).OfType<CdiContainerEdits>().ToList();
        if (edits.Any(e => e.IntelRdt is not null || (e.AdditionalGids?.Count ?? 0) > 0))
        {
            return "0.7.0";
        }

        if ((spec.Annotations?.Count ?? 0) > 0 || devices.Any(d => (d.Annotations?.Count ?? 0) > 0) ||
            (spec.Kind is { } kind && kind.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 && kind[(slash + 1)..].Contains('.', StringComparison.Ordinal)))
        {
            return "0.6.0";
        }

        if (devices.Any(d => d.Name is [>= '0' and <= '9', ..]) || edits.Any(e => e.DeviceNodes?.Any(n => n.HostPath is { Length: > 0 }) == true))
        {
            return "0.5.0";
        }

        return edits.Any(e => e.Mounts?.Any(m => m.Type is { Length: > 0 }) == true) ? "0.4.0" : "0.3.0";
    }
}
