using System.Text;

namespace Minato.Engine.Oci;

/// <summary>Reads what CRIU said went wrong from its log (dump.log, restore.log), bounded whatever the log's size.</summary>
public static class CriuLog
{
    /// <summary>Only the log's tail is read: CRIU writes its errors last.</summary>
    private const int TailBytes = 256 * 1024;

    private const int MaxLines = 12;

    private const int MaxLineLength = 400;

    /// <summary>CRIU's <c>Error</c> lines from the log at <paramref name="path"/>, joined by " | "; empty when the log
    /// is missing or has none.</summary>
    public static string Errors(string path)
    {
        string text;
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var start = Math.Max(0, file.Length - TailBytes);
            file.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[file.Length - start];
            file.ReadExactly(buffer);
            text = Encoding.UTF8.GetString(buffer);
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }

        var lines = text.Split('\n')
            .Where(l => l.Contains("Error (", StringComparison.Ordinal))
            .Select(l => l.Trim())
            .Select(l => l.Length > MaxLineLength ? l[..MaxLineLength] + "..." : l)
            .Take(MaxLines);
        return string.Join(" | ", lines);
    }
}
