using Minato.Engine.Errors;

namespace Minato.Engine.Volumes;

/// <summary>Checks of what callers ask for, and the start-up repair.</summary>
public sealed partial class VolumeService
{
    private static void CheckDriver(string? driver, IReadOnlyDictionary<string, string>? options)
    {
        if (!string.IsNullOrEmpty(driver) && driver != LocalDriver)
        {
            throw new InvalidInputException($"volume driver \"{driver}\" is not supported: only \"{LocalDriver}\" is available");
        }

        // dockerd's local driver mounts type/device/o (tmpfs, bind, nfs) at first use; this one makes plain directories.
        if (options is { Count: > 0 })
        {
            var key = options.Keys.Order(StringComparer.Ordinal).First();
            throw new InvalidInputException(
                $"driver option \"{key}\" is not supported: the {LocalDriver} volume driver of this engine makes plain directories " +
                "(no type, device or o mount options yet)");
        }
    }

    private static void CheckLabels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Count > MaxLabels)
        {
            throw new InvalidInputException($"a volume may carry at most {MaxLabels} labels, {labels.Count} given");
        }

        foreach (var (key, value) in labels)
        {
            if (key.Length == 0 || key.Length > MaxLabelLength || (value?.Length ?? 0) > MaxLabelLength)
            {
                throw new InvalidInputException($"volume label \"{(key.Length > 80 ? key[..80] + "..." : key)}\": keys must be 1 to {MaxLabelLength} characters, values at most {MaxLabelLength}");
            }
        }
    }

    /// <summary>Finishes interrupted removals, adopts directories without a record, remakes directories records lost.</summary>
    private void Repair()
    {
        foreach (var entry in new DirectoryInfo(Directory).EnumerateDirectories())
        {
            if (entry.Name.StartsWith(RemovingPrefix, StringComparison.Ordinal))
            {
                store.Delete(entry.Name[RemovingPrefix.Length..]);
                entry.Delete(recursive: true);
            }
            else if (VolumeName.IsValid(entry.Name) && entry.LinkTarget is null && store.Get(entry.Name) is null)
            {
                // Created but not yet recorded when the daemon died (or left by an older data root): kept, with its data.
                System.IO.Directory.CreateDirectory(Path.Combine(entry.FullName, "_data"), DataMode);
                store.Insert(new VolumeRecord
                {
                    Name = entry.Name,
                    Mountpoint = Path.Combine(entry.FullName, "_data"),
                    CreatedAt = UnixTime.Nanoseconds(entry.CreationTimeUtc),
                    Anonymous = entry.Name.Length == 64 && entry.Name.All(char.IsAsciiHexDigitLower),
                });
            }
        }

        foreach (var record in store.All)
        {
            var expected = Path.Combine(Directory, record.Name, "_data");
            var fixedUp = record.Mountpoint == expected ? record : store.Update(record with { Mountpoint = expected });
            System.IO.Directory.CreateDirectory(Path.Combine(Directory, record.Name), DataMode);
            System.IO.Directory.CreateDirectory(fixedUp.Mountpoint, DataMode);
        }
    }
}
