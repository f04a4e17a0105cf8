using System.Globalization;

namespace Minato.Engine.Linux.Cgroups;

/// <summary>Reads cgroupfs files that may vanish with their cgroup at any moment: a missing or unreadable file reads
/// as no value, never as an error.</summary>
internal static class CgroupText
{
    /// <summary>A file holding one number; null when absent or not a number (e.g. <c>max</c>).</summary>
    public static ulong? ReadNumber(string path) =>
        ReadAll(path) is { } text && ulong.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>A file of space-separated numbers (<c>cpuacct.usage_percpu</c>).</summary>
    public static IReadOnlyList<ulong> ReadNumbers(string path) =>
        (ReadAll(path) ?? string.Empty).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(f => ulong.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0)
            .ToList();

    /// <summary>A flat keyed file of <c>key value</c> lines (<c>memory.stat</c>, <c>cpu.stat</c>).</summary>
    public static Dictionary<string, ulong> ReadStat(string path)
    {
        var values = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var line in ReadLines(path))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space > 0 && ulong.TryParse(line.AsSpan(space + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                values[line[..space]] = value;
            }
        }

        return values;
    }

    /// <summary>The file's lines; none when it is absent.</summary>
    public static string[] ReadLines(string path) => (ReadAll(path) ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string? ReadAll(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
