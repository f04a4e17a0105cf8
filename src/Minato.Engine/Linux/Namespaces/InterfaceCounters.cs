using System.Globalization;

namespace Minato.Engine.Linux.Namespaces;

/// <summary>One network interface's traffic counters, as <c>/proc/net/dev</c> shows them in its namespace.</summary>
public sealed record InterfaceCounters(string Name, ulong RxBytes, ulong RxPackets, ulong RxErrors, ulong RxDropped, ulong TxBytes, ulong TxPackets, ulong TxErrors, ulong TxDropped)
{
    /// <summary>The interfaces of the namespace the calling thread is in (read from <c>/proc/thread-self/net/dev</c>).</summary>
    public static IReadOnlyList<InterfaceCounters> ReadCurrentThread()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/thread-self/net/dev"));
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>Parses <c>/proc/net/dev</c>: two header lines, then <c>name: 8 receive counters, 8 transmit counters</c>.</summary>
    public static IReadOnlyList<InterfaceCounters> Parse(string text)
    {
        var interfaces = new List<InterfaceCounters>();
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var fields = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 16 || !fields.All(f => ulong.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
            {
                continue;
            }

            var n = fields.Select(f => ulong.Parse(f, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray();
            interfaces.Add(new InterfaceCounters(line[..colon].Trim(), n[0], n[1], n[2], n[3], n[8], n[9], n[10], n[11]));
        }

        return interfaces;
    }
}
