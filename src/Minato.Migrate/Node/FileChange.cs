using System.Text;

namespace Minato.Migrate.Node;

/// <summary>One file edit of the move: the node path, its text before (null when the file is new) and after.</summary>
public sealed record FileChange(string Path, string? Before, string After)
{
    private const int MaxDiffLines = 2_000;
    private const int Context = 3;

    /// <summary>The change as a unified diff (<c>diff -u</c>), the way an operator reviews it.</summary>
    public string Diff()
    {
        var before = Lines(Before);
        var after = Lines(After);
        var text = new StringBuilder();
        text.Append(Before is null ? "--- /dev/null\n" : $"--- {Path}\n").Append($"+++ {Path}\n");
        if (before.Length > MaxDiffLines || after.Length > MaxDiffLines)
        {
            return text.Append($"@@ file too long to show ({before.Length:N0} lines) @@\n").ToString();
        }

        var ops = Operations(before, after);
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == ' ')
            {
                i++;
                continue;
            }

            var start = Math.Max(0, i - Context);
            var end = i;
            while (end < ops.Count)
            {
                var nextChange = ops.FindIndex(end, o => o.Kind != ' ');
                if (nextChange < 0 || nextChange - end > 2 * Context)
                {
                    break;
                }

                end = ops.FindIndex(nextChange, o => o.Kind == ' ');
                end = end < 0 ? ops.Count : end;
            }

            var stop = Math.Min(ops.Count, end + Context);
            var hunk = ops.GetRange(start, stop - start);
            var oldStart = ops.Take(start).Count(o => o.Kind != '+') + 1;
            var newStart = ops.Take(start).Count(o => o.Kind != '-') + 1;
            var oldCount = hunk.Count(o => o.Kind != '+');
            var newCount = hunk.Count(o => o.Kind != '-');
            text.Append($"@@ -{(oldCount == 0 ? oldStart - 1 : oldStart)},{oldCount} +{(newCount == 0 ? newStart - 1 : newStart)},{newCount} @@\n");
            foreach (var (kind, line) in hunk)
            {
                text.Append(kind).Append(line).Append('\n');
            }

            i = stop;
        }

        return text.ToString();
    }

    private static string[] Lines(string? text) =>
        string.IsNullOrEmpty(text) ? [] : text.EndsWith('\n') ? text[..^1].Split('\n') : text.Split('\n');

    /// <summary>A longest-common-subsequence edit script: ' ' kept, '-' removed, '+' added.</summary>
    private static List<(char Kind, string Line)> Operations(string[] a, string[] b)
    {
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var ops = new List<(char, string)>();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                ops.Add((' ', a[x++]));
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                ops.Add(('-', a[x++]));
            }
            else
            {
                ops.Add(('+', b[y++]));
            }
        }

        return ops;
    }
}
