using Minato.Engine;

namespace Minato.Cli;

/// <summary>Plain aligned tables for the listing verbs (what crictl prints; scripts use -q or -o json).</summary>
internal static class Table
{
    public static async Task WriteAsync(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        var all = new List<string[]> { headers.ToArray() };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, headers.Count).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
        {
            var cells = row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]));
            await writer.WriteLineAsync(string.Join("   ", cells).TrimEnd());
        }
    }

    /// <summary>"5 seconds ago" style age from CRI nanosecond timestamps.</summary>
    public static string Ago(long unixNanoseconds)
    {
        var age = DateTimeOffset.UtcNow - UnixTime.FromNanoseconds(unixNanoseconds);
        return age.TotalSeconds < 60 ? $"{Math.Max(0, (int)age.TotalSeconds)} seconds ago"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} minutes ago"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} hours ago"
            : $"{(int)age.TotalDays} days ago";
    }
}
