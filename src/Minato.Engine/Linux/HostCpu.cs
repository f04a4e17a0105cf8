using System.Globalization;

namespace Minato.Engine.Linux;

/// <summary>The host's cumulative CPU time (the <c>cpu</c> line of <c>/proc/stat</c>): the denominator of a container's
/// CPU share between two readings, as Docker's stats compute it.</summary>
public static class HostCpu
{
    /// <summary>USER_HZ: the unit of <c>/proc/stat</c>, 100 on every Linux ABI.</summary>
    private const ulong UserHz = 100;

    /// <summary>Nanoseconds of CPU time the host spent in every state since boot, or 0 when unreadable.</summary>
    public static ulong SystemNanoseconds()
    {
        try
        {
            return Parse(File.ReadAllText("/proc/stat"));
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Parses <c>/proc/stat</c>: the sum of the first line's <c>cpu</c> fields (ticks) in nanoseconds.</summary>
    public static ulong Parse(string text)
    {
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields is ["cpu", ..])
            {
                ulong ticks = 0;
                foreach (var field in fields.Skip(1).Take(7))
                {
                    ticks += ulong.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
                }

                return ticks * (1_000_000_000 / UserHz);
            }
        }

        return 0;
    }
}
