using System.Text;

namespace Minato.Engine.Linux;

/// <summary>One line of <c>/proc/self/mountinfo</c>: where a filesystem is mounted and of which type.</summary>
public sealed record MountInfoEntry(string MountPoint, string Root, string FileSystemType, string Source, string Options);

/// <summary>Parser for the kernel's <c>/proc/[pid]/mountinfo</c> format (proc(5)).</summary>
public static class MountInfo
{
    /// <summary>Reads the calling process's mount table.</summary>
    public static IReadOnlyList<MountInfoEntry> ReadSelf() => Parse(File.ReadAllText("/proc/self/mountinfo"));

    /// <summary>Parses mountinfo text; malformed lines are skipped rather than trusted.</summary>
    public static IReadOnlyList<MountInfoEntry> Parse(string text)
    {
        var entries = new List<MountInfoEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions
            var fields = line.Split(' ');
            var separator = fields.Length < 7 ? -1 : Array.IndexOf(fields, "-", 6);
            if (separator < 0 || separator + 2 >= fields.Length)
            {
                continue;
            }

            entries.Add(new MountInfoEntry(
                MountPoint: Unescape(fields[4]),
                Root: Unescape(fields[3]),
                FileSystemType: fields[separator + 1],
                Source: Unescape(fields[separator + 2]),
                Options: fields[5]));
        }

        return entries;
    }

    // The kernel writes space, tab, newline and backslash in paths as three-digit octal escapes.
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var builder = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && IsOctal(field, i + 1))
            {
                builder.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                builder.Append(field[i]);
            }
        }

        return builder.ToString();
    }

    private static bool IsOctal(string s, int start) =>
        start + 3 <= s.Length && s[start] is >= '0' and <= '3' && s[start + 1] is >= '0' and <= '7' && s[start + 2] is >= '0' and <= '7';
}
