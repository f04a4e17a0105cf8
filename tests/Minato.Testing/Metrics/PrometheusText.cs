using System.Globalization;
using System.Text;

namespace Minato.Testing.Metrics;

/// <summary>One sample line: metric name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>True when every pair of <paramref name="labels"/> is among this sample's labels.</summary>
    public bool Has(params (string Name, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Name, out var v) && v == l.Value);
}

/// <summary>A metric family: its <c># TYPE</c>, <c># HELP</c> and samples.</summary>
public sealed record PrometheusFamily(string Name, string Type, string Help, IReadOnlyList<PrometheusSample> Samples);

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4, for tests: any line it does not understand, a sample
/// before its family's <c># TYPE</c>, a sample name that does not belong to its family's type, a duplicated family or
/// series, or a malformed label or value throws <see cref="FormatException"/> with the line number.
/// </summary>
/// <remarks>No parser of this format exists on NuGet, so the suite has its own, kept deliberately unforgiving.</remarks>
public static class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>Parses a whole exposition into its families by name.</summary>
    public static IReadOnlyDictionary<string, PrometheusFamily> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            throw new FormatException("the exposition does not end with a newline");
        }

        var families = new Dictionary<string, (string Type, string Help, List<PrometheusSample> Samples)>(StringComparer.Ordinal);
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            var number = i + 1;
            try
            {
                if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
                {
                    var parts = line[7..].Split(' ', 2);
                    var name = RequireMetricName(parts[0]);
                    if (line[2] == 'T')
                    {
                        if (parts.Length != 2 || !Types.Contains(parts[1], StringComparer.Ordinal))
                        {
                            throw new FormatException($"unknown type in \"{line}\"");
                        }

                        var help = "";
                        if (families.TryGetValue(name, out var known))
                        {
                            help = known.Type.Length > 0 || known.Samples.Count > 0 ? throw new FormatException($"second TYPE for {name}") : known.Help;
                        }

                        families[name] = (parts[1], help, []);
                    }
                    else
                    {
                        var help = parts.Length == 2 ? parts[1] : "";
                        families[name] = families.TryGetValue(name, out var known) ? (known.Type, help, known.Samples) : ("", help, []);
                    }

                    current = name;
                    continue;
                }

                if (line.StartsWith('#') || line.Length == 0)
                {
                    // Other comments are allowed by the format; empty lines are not, except none at all.
                    if (line.Length == 0)
                    {
                        throw new FormatException("empty line");
                    }

                    continue;
                }

                var sample = ParseSample(line);
                var family = current is not null && BelongsTo(sample.Name, current, families[current].Type)
                    ? current
                    : throw new FormatException($"sample {sample.Name} does not follow its family's # TYPE");
                var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
                if (!series.Add(key))
                {
                    throw new FormatException($"series {key} appears twice");
                }

                families[family].Samples.Add(sample);
            }
            catch (FormatException e)
            {
                throw new FormatException($"line {number}: {e.Message}: {line}", e);
            }
        }

        return families.ToDictionary(f => f.Key, f => new PrometheusFamily(f.Key, f.Value.Type, f.Value.Help, f.Value.Samples), StringComparer.Ordinal);
    }

    private static bool BelongsTo(string sample, string family, string type) => type switch
    {
        "" => throw new FormatException($"family {family} has no # TYPE"),
        "histogram" => sample == family + "_bucket" || sample == family + "_sum" || sample == family + "_count",
        "summary" => sample == family || sample == family + "_sum" || sample == family + "_count",
        _ => sample == family,
    };

    private static PrometheusSample ParseSample(string line)
    {
        var at = 0;
        while (at < line.Length && line[at] is not ('{' or ' '))
        {
            at++;
        }

        var name = RequireMetricName(line[..at]);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                var equals = line.IndexOf('=', at);
                if (equals < 0)
                {
                    throw new FormatException("label without '='");
                }

                var label = line[at..equals];
                if (!IsName(label, colons: false) || !labels.TryAdd(label, ReadQuoted(line, equals + 1, out at)))
                {
                    throw new FormatException($"bad or repeated label name \"{label}\"");
                }

                if (line[at] == ',')
                {
                    at++;
                }
                else if (line[at] != '}')
                {
                    throw new FormatException("expected ',' or '}' after a label value");
                }
            }

            at++;
        }

        if (at >= line.Length || line[at] != ' ')
        {
            throw new FormatException("expected a space before the value");
        }

        var rest = line[(at + 1)..].Split(' ');
        if (rest.Length > 2 || (rest.Length == 2 && !long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException("expected a value and at most a timestamp");
        }

        return new PrometheusSample(name, labels, ParseValue(rest[0]));
    }

    private static string ReadQuoted(string line, int at, out int next)
    {
        if (at >= line.Length || line[at] != '"')
        {
            throw new FormatException("label value is not quoted");
        }

        var value = new StringBuilder();
        for (var i = at + 1; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '"':
                    next = i + 1;
                    return next < line.Length ? value.ToString() : throw new FormatException("line ends after a label value");
                case '\\' when i + 1 < line.Length:
                    i++;
                    value.Append(line[i] switch
                    {
                        'n' => '\n',
                        '\\' => '\\',
                        '"' => '"',
                        _ => throw new FormatException($"bad escape \\{line[i]}"),
                    });
                    break;
                default:
                    value.Append(line[i]);
                    break;
            }
        }

        throw new FormatException("unterminated label value");
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when text.Length > 0 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new FormatException($"bad value \"{text}\""),
    };

    private static string RequireMetricName(string name) =>
        IsName(name, colons: true) ? name : throw new FormatException($"bad metric name \"{name}\"");

    private static bool IsName(string name, bool colons) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || (colons && c == ':'));
}
