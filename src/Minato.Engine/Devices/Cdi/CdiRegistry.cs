using Minato.Engine.Errors;

namespace Minato.Engine.Devices.Cdi;

/// <summary>The CDI devices the node's spec directories define, read again whenever a file in them changed, and the
/// resolution of a container's requested device names into the edits to make.</summary>
/// <remarks>
/// Every <see cref="Resolve"/> lists the directories and re-reads only the files whose size or modification time
/// changed (a file changed within the last second is read again next time too, since a rewrite in the same clock tick
/// keeps its time), so a spec a device plugin writes is seen by the next container without a watch to keep alive.
/// As in CDI's own loader, a device in a later directory replaces the same device of an earlier one, and two files of
/// the same directory that define the same device make that device unusable (an error names both files). A file that
/// does not parse takes only its own devices away; its error is reported when a container asks for a device that is
/// then missing.
/// </remarks>
public sealed class CdiRegistry(CdiOptions options, TimeProvider time)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, CachedFile> _files = new(StringComparer.Ordinal);

    public CdiOptions Options => options;

    /// <summary>The devices and errors of the spec files as they are now.</summary>
    public CdiCatalog Catalog()
    {
        lock (_lock)
        {
            return Refresh();
        }
    }

    /// <summary>The edits for <paramref name="names"/> (fully qualified, duplicates ignored), in CDI's order.</summary>
    /// <exception cref="InvalidInputException">A name is malformed, names no device, or its device cannot be used on this
    /// host (a conflicting definition, a missing device node, an edit that contradicts another device's); the message
    /// names the device and the spec file.</exception>
    public CdiInjection Resolve(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            return CdiInjection.Empty;
        }

        var catalog = Catalog();
        var devices = new List<CdiResolvedDevice>();
        foreach (var text in names.Distinct(StringComparer.Ordinal))
        {
            if (!CdiDeviceName.TryParse(text, out var name, out var error))
            {
                throw new InvalidInputException($"CDI device: {error}");
            }

            devices.AddRange(catalog.Find(name, options));
        }

        var unique = devices.DistinctBy(d => d.Name).ToList();
        if (unique.Count > options.MaxDevicesPerContainer)
        {
            throw new InvalidInputException($"CDI devices: {unique.Count} requested, at most {options.MaxDevicesPerContainer} are allowed");
        }

        return CdiInjection.Build(unique);
    }

    private CdiCatalog Refresh()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var files = new List<CdiSpecFile>();
        var errors = new List<CdiSpecError>();
        for (var priority = 0; priority < options.SpecDirectories.Count; priority++)
        {
            var directory = options.SpecDirectories[priority];
            if (!Directory.Exists(directory))
            {
                continue;
            }

            var count = 0;
            foreach (var path in Directory.EnumerateFiles(directory).Where(IsSpecName).Order(StringComparer.Ordinal))
            {
                if (++count > options.MaxSpecFiles)
                {
                    errors.Add(new CdiSpecError(path, $"ignored: the directory holds more than {options.MaxSpecFiles} spec files"));
                    continue;
                }

                seen.Add(path);
                var cached = Read(path, priority);
                if (cached.Spec is { } spec)
                {
                    files.Add(spec);
                }
                else if (cached.Error is { } error)
                {
                    errors.Add(new CdiSpecError(path, error));
                }
            }
        }

        foreach (var gone in _files.Keys.Where(p => !seen.Contains(p)).ToList())
        {
            _files.Remove(gone);
        }

        return CdiCatalog.Build(files, errors);
    }

    private static bool IsSpecName(string path) =>
        path.EndsWith(".json", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal);

    private CachedFile Read(string path, int priority)
    {
        var info = new FileInfo(path);
        DateTime modified;
        long length;
        try
        {
            (modified, length) = (info.LastWriteTimeUtc, info.Length);
        }
        catch (IOException e)
        {
            return new CachedFile(default, -1, priority, null, e.Message, Stable: false);
        }

        if (_files.TryGetValue(path, out var cached) && cached.Stable && cached.Modified == modified && cached.Length == length && cached.Priority == priority)
        {
            return cached;
        }

        var stable = time.GetUtcNow().UtcDateTime - modified > Settle;
        CachedFile fresh;
        try
        {
            fresh = new CachedFile(modified, length, priority, CdiSpecFile.Parse(path, priority, Load(path)), null, stable);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            fresh = new CachedFile(modified, length, priority, null, e.Message, stable);
        }

        _files[path] = fresh;
        return fresh;
    }

    /// <summary>The file's bytes, refusing anything but a regular file (a FIFO would block the read) and anything over
    /// the size bound (checked again while reading, in case the file grew).</summary>
    private byte[] Load(string path)
    {
        if (CdiHostFiles.Status(path) is not { IsRegularFile: true })
        {
            throw new FormatException("not a regular file");
        }

        using var handle = File.OpenHandle(path);
        var buffer = new byte[Math.Min(RandomAccess.GetLength(handle), options.MaxSpecBytes) + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = RandomAccess.Read(handle, buffer.AsSpan(total), total)) > 0)
        {
            total += read;
        }

        return total > options.MaxSpecBytes
            ? throw new FormatException($"larger than {options.MaxSpecBytes} bytes")
            : buffer[..total];
    }

    private sealed record CachedFile(DateTime Modified, long Length, int Priority, CdiSpecFile? Spec, string? Error, bool Stable);
}
