using System.CommandLine;
using System.Globalization;
using Minato.Cri.Api.V1;

namespace Minato.Cli;

/// <summary>Options and number formats shared by <c>minato stats</c> and <c>minato statsp</c>.</summary>
internal static class StatsOutput
{
    public static Option<string> Format()
    {
        var option = new Option<string>("--output", "-o") { Description = "Output format: table or json", DefaultValueFactory = _ => "table" };
        option.AcceptOnlyFromAmong("table", "text", "json");
        return option;
    }

    /// <summary>CPU % needs two readings; this is the time between them (crictl's <c>--seconds</c>).</summary>
    public static Option<double> Seconds() =>
        new("--seconds", "-s") { Description = "Sample period for CPU % in seconds", DefaultValueFactory = _ => 1 };

    public static Dictionary<string, string> Labels(string[]? selectors)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var label in selectors ?? [])
        {
            var parts = label.Split('=', 2);
            labels[parts[0]] = parts.Length == 2 ? parts[1] : throw new CliException($"--label {label}: expected key=value");
        }

        return labels;
    }

    /// <summary>Share of one core used between two readings, in percent.</summary>
    public static string CpuPercent(CpuUsage? before, CpuUsage? after)
    {
        if (before?.UsageCoreNanoSeconds is not { } from || after?.UsageCoreNanoSeconds is not { } to || after.Timestamp <= before.Timestamp)
        {
            return after?.UsageNanoCores is { } rate ? (rate.Value / 1e7).ToString("0.00", CultureInfo.InvariantCulture) : "-";
        }

        var used = to.Value >= from.Value ? to.Value - from.Value : 0;
        return (used * 100.0 / (after.Timestamp - before.Timestamp)).ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>Bytes in the units crictl prints (B, kB, MB, GB; powers of 1000).</summary>
    public static string Bytes(ulong? bytes)
    {
        if (bytes is not { } value)
        {
            return "-";
        }

        string[] units = ["B", "kB", "MB", "GB", "TB"];
        var size = (double)value;
        var unit = 0;
        while (size >= 1000 && unit < units.Length - 1)
        {
            size /= 1000;
            unit++;
        }

        return unit == 0 ? $"{value}B" : size.ToString("0.##", CultureInfo.InvariantCulture) + units[unit];
    }
}
