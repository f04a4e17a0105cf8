using System.Text;
using System.Text.RegularExpressions;
using Minato.Engine.Errors;

namespace Minato.Engine.Network.Bridges;

/// <summary>One line of a hosts file: an address and the names it answers to.</summary>
public sealed record HostsEntry(string Address, IReadOnlyList<string> Names);

/// <summary>
/// The section of a container's hosts file that the networks own, between two marker lines; whatever else the file holds
/// (localhost, extra hosts the container asked for) is kept as it is.
/// </summary>
public static partial class HostsFile
{
    /// <summary>Largest hosts file read back; a larger one is not Minato's and is left alone.</summary>
    public const int MaxSize = 1024 * 1024;

    private const string Begin = "# minato networks: begin";
    private const string End = "# minato networks: end";

    /// <summary>Most names one container may add to the hosts files of the others on its networks.</summary>
    public const int MaxAliases = 64;

    /// <summary>Checks a name that goes into other containers' hosts files: a host name of letters, digits, '_', '.' and
    /// '-' (at most 253), so a caller cannot add lines or names of its choosing to its neighbours' files.</summary>
    /// <exception cref="InvalidInputException">Names <paramref name="field"/> and the value.</exception>
    public static void CheckName(string field, string name)
    {
        if (name is null || !HostName().IsMatch(name))
        {
            throw new InvalidInputException($"{field} \"{name}\" is not a host name (1 to 253 of letters, digits, '_', '.' and '-', starting with a letter or digit)");
        }
    }

    /// <summary>The file's text with the networks' section replaced by <paramref name="entries"/> (dropped when there are none).</summary>
    public static string Render(string existing, IReadOnlyList<HostsEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(entries);
        var text = new StringBuilder();
        var inside = false;
        foreach (var line in existing.Split('\n'))
        {
            if (line == Begin)
            {
                inside = true;
            }
            else if (line == End)
            {
                inside = false;
            }
            else if (!inside && line.Length > 0)
            {
                text.Append(line).Append('\n');
            }
        }

        var lines = entries.Where(e => e.Names.Count > 0).ToList();
        if (lines.Count > 0)
        {
            text.Append(Begin).Append('\n');
            foreach (var entry in lines)
            {
                text.Append(entry.Address).Append('\t').AppendJoin(' ', entry.Names.Distinct(StringComparer.Ordinal)).Append('\n');
            }

            text.Append(End).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>
    /// Rewrites the file at <paramref name="path"/> in place (same inode, so the container's bind mount sees the change);
    /// a missing file (the container is gone) is skipped.
    /// </summary>
    public static void Rewrite(string path, IReadOnlyList<HostsEntry> entries)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.ReadWrite, Options = FileOptions.None });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return;
        }

        using (stream)
        {
            if (stream.Length > MaxSize)
            {
                return;
            }

            var existing = new byte[stream.Length];
            stream.ReadExactly(existing);
            var rendered = Encoding.UTF8.GetBytes(Render(Encoding.UTF8.GetString(existing), entries));
            stream.Position = 0;
            stream.Write(rendered);
            stream.SetLength(rendered.Length);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}\z")]
    private static partial Regex HostName();
}
