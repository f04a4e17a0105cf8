using Minato.Engine.Errors;

namespace Minato.Engine.Devices.Cdi;

/// <summary>A spec file that could not be used, and why.</summary>
public sealed record CdiSpecError(string Path, string Message);

/// <summary>A requested device found in a spec.</summary>
/// <param name="Name">Its qualified name.</param>
/// <param name="File">The spec file that defines it.</param>
/// <param name="Device">Its definition.</param>
public sealed record CdiResolvedDevice(CdiDeviceName Name, CdiSpecFile File, CdiDevice Device);

/// <summary>The devices the spec directories define at one moment, with the files that failed and the devices that two
/// files of the same priority define.</summary>
public sealed class CdiCatalog
{
    private readonly Dictionary<string, CdiResolvedDevice> _devices;
    private readonly Dictionary<string, (string First, string Second)> _conflicts;

    private CdiCatalog(Dictionary<string, CdiResolvedDevice> devices, Dictionary<string, (string, string)> conflicts, IReadOnlyList<CdiSpecError> errors)
    {
        _devices = devices;
        _conflicts = conflicts;
        Errors = errors;
    }

    /// <summary>Qualified names of the usable devices, in ordinal order.</summary>
    public IReadOnlyList<string> DeviceNames => _devices.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Spec files that could not be read, parsed or validated, and conflicting definitions.</summary>
    public IReadOnlyList<CdiSpecError> Errors { get; }

    /// <summary>Builds the catalog from files in scan order (directory priority, then name).</summary>
    internal static CdiCatalog Build(IReadOnlyList<CdiSpecFile> files, List<CdiSpecError> errors)
    {
        var devices = new Dictionary<string, CdiResolvedDevice>(StringComparer.Ordinal);
        var conflicts = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var device in file.Spec.Devices ?? [])
            {
                var name = new CdiDeviceName(file.Vendor, file.Class, device.Name!);
                var key = name.ToString();
                if (devices.TryGetValue(key, out var other) && other.File.Priority == file.Priority)
                {
                    conflicts[key] = (other.File.Path, file.Path);
                    errors.Add(new CdiSpecError(file.Path, $"device {key} is also defined in {other.File.Path}"));
                    continue;
                }

                devices[key] = new CdiResolvedDevice(name, file, device);
            }
        }

        foreach (var key in conflicts.Keys)
        {
            devices.Remove(key);
        }

        return new CdiCatalog(devices, conflicts, errors);
    }

    /// <summary>The device <paramref name="name"/>, or every device of its kind for <c>=all</c> when no spec defines a
    /// device named <c>all</c>.</summary>
    /// <exception cref="InvalidInputException">No such device, or two spec files define it.</exception>
    public IReadOnlyList<CdiResolvedDevice> Find(CdiDeviceName name, CdiOptions options)
    {
        var key = name.ToString();
        if (_devices.TryGetValue(key, out var device))
        {
            return [device];
        }

        if (_conflicts.TryGetValue(key, out var files))
        {
            throw new InvalidInputException(
                $"CDI device {key} is defined by both {files.First} and {files.Second} in the same spec directory; remove one of them");
        }

        if (name.Name == CdiDeviceName.All)
        {
            var kind = _devices.Values.Where(d => d.Name.Kind == name.Kind).OrderBy(d => d.Name.Name, StringComparer.Ordinal).ToList();
            if (kind.Count > 0)
            {
                return kind;
            }
        }

        var message = $"CDI device {key} is not defined by any spec in {string.Join(", ", options.SpecDirectories)}";
        if (Errors.Count > 0)
        {
            message += "; spec files that could not be used: " +
                string.Join("; ", Errors.Take(3).Select(e => $"{e.Path}: {e.Message}")) + (Errors.Count > 3 ? $"; and {Errors.Count - 3} more" : string.Empty);
        }

        throw new InvalidInputException(message);
    }
}
