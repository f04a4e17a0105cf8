using System.Globalization;
using System.Text.RegularExpressions;

namespace Minato.Cli;

/// <summary><c>minato logs --since</c>: an RFC 3339 time or a Go-style duration back from now (<c>10s</c>, <c>5m</c>, <c>1h30m</c>).</summary>
internal static partial class LogSince
{
    public static DateTimeOffset Parse(string value, DateTimeOffset now) =>
        ParseDuration(value) is { } span
            ? now - span
            : RecordTime(value) ?? throw new CliException($"--since {value}: expected an RFC 3339 time (2024-05-01T10:00:00Z) or a duration (10s, 5m, 1h30m)");

    /// <summary>A Go-style duration (<c>10s</c>, <c>5m</c>, <c>1h30m</c>, <c>0s</c>); null when it is not one.</summary>
    public static TimeSpan? ParseDuration(string value)
    {
        if (Duration().Match(value) is { Success: true } match)
        {
            var total = TimeSpan.Zero;
            foreach (Capture part in match.Groups["part"].Captures)
            {
                var unit = Unit().Match(part.Value);
                var amount = double.Parse(unit.Groups[1].Value, CultureInfo.InvariantCulture);
                total += unit.Groups[2].Value switch
                {
                    "h" => TimeSpan.FromHours(amount),
                    "m" => TimeSpan.FromMinutes(amount),
                    "s" => TimeSpan.FromSeconds(amount),
                    "ms" => TimeSpan.FromMilliseconds(amount),
                    _ => TimeSpan.FromMicroseconds(amount),
                };
            }

            return total;
        }

        return null;
    }

    /// <summary>Writes a duration the way <see cref="ParseDuration"/> reads it back (<c>1h30m</c>, <c>45s</c>, <c>0s</c>).</summary>
    public static string FormatDuration(TimeSpan span)
    {
        var hours = (int)span.TotalHours;
        var text = (hours > 0 ? hours.ToString(CultureInfo.InvariantCulture) + "h" : "") +
            (span.Minutes > 0 ? span.Minutes.ToString(CultureInfo.InvariantCulture) + "m" : "") +
            (span.Seconds > 0 ? span.Seconds.ToString(CultureInfo.InvariantCulture) + "s" : "");
        return text.Length > 0 ? text : "0s";
    }

    /// <summary>The time of an RFC 3339 timestamp such as a CRI log record's; nanoseconds are cut to what .NET holds.</summary>
    public static DateTimeOffset? RecordTime(string text)
    {
        // .NET parses at most 7 fraction digits; CRI records carry 9.
        var trimmed = Fraction().Replace(text, m => m.Value[..Math.Min(8, m.Value.Length)]);
        return DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && text.Contains('T', StringComparison.Ordinal)
            ? time
            : null;
    }

    [GeneratedRegex(@"^(?<part>[0-9]+(?:\.[0-9]+)?(?:h|ms|m|s|us|µs))+\z")]
    private static partial Regex Duration();

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(h|ms|m|s|us|µs)$")]
    private static partial Regex Unit();

    [GeneratedRegex(@"\.[0-9]+")]
    private static partial Regex Fraction();
}
