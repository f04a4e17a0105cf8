using System.Buffers;
using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Minato.Engine.Devices.Cdi;

/// <summary>Turns a YAML CDI spec into the equivalent JSON, so one strict JSON model reads both formats.</summary>
/// <remarks>
/// Works on the parser's events. Scalars become strings except under the keys the CDI schema types as numbers or
/// booleans, so a device named <c>0</c> stays a name and <c>major: 195</c> a number; <c>~</c>, <c>null</c> and an empty
/// plain value are null. Aliases are refused (a spec has no use for them, and they are how a small YAML file expands
/// into a huge one), and so is a second document.
/// </remarks>
internal static class CdiYaml
{
    private const int MaxDepth = 16;

    private static readonly HashSet<string> NumberKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "major", "minor", "fileMode", "uid", "gid", "timeout", "additionalGids",
    };

    private static readonly HashSet<string> BooleanKeys = new(StringComparer.OrdinalIgnoreCase) { "enableCMT", "enableMBM" };

    /// <summary>The JSON form of <paramref name="yaml"/>.</summary>
    /// <exception cref="FormatException">The YAML does not parse or uses what a CDI spec cannot hold; the message says where.</exception>
    public static byte[] ToJson(string yaml)
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            var parser = new Parser(new StringReader(yaml));
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                throw new FormatException("the file holds no YAML document");
            }

            parser.Consume<DocumentStart>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                WriteNode(parser, writer, key: null, depth: 0);
            }

            parser.Consume<DocumentEnd>();
            if (!parser.TryConsume<StreamEnd>(out _))
            {
                throw new FormatException("the file holds more than one YAML document");
            }
        }
        catch (YamlException e)
        {
            throw new FormatException($"YAML error at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteNode(IParser parser, Utf8JsonWriter writer, string? key, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"nested deeper than {MaxDepth} levels");
        }

        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            throw new FormatException($"YAML aliases are not supported in a CDI spec (line {alias.Start.Line})");
        }

        if (parser.TryConsume<Scalar>(out var scalar))
        {
            WriteScalar(writer, scalar, key);
        }
        else if (parser.TryConsume<SequenceStart>(out _))
        {
            writer.WriteStartArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                WriteNode(parser, writer, key, depth + 1);
            }

            writer.WriteEndArray();
        }
        else
        {
            parser.Consume<MappingStart>();
            writer.WriteStartObject();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var name = parser.Consume<Scalar>();
                if (!seen.Add(name.Value))
                {
                    throw new FormatException($"key \"{CdiDeviceName.Printable(name.Value)}\" appears twice (line {name.Start.Line})");
                }

                writer.WritePropertyName(name.Value);
                WriteNode(parser, writer, name.Value, depth + 1);
            }

            writer.WriteEndObject();
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, Scalar scalar, string? key)
    {
        var value = scalar.Value;
        if (scalar.Style == ScalarStyle.Plain && value is "" or "~" or "null" or "Null" or "NULL")
        {
            writer.WriteNullValue();
        }
        else if (key is not null && NumberKeys.Contains(key))
        {
            writer.WriteNumberValue(Integer(value, key, scalar.Start.Line));
        }
        else if (key is not null && BooleanKeys.Contains(key))
        {
            writer.WriteBooleanValue(value switch
            {
                "true" or "True" or "TRUE" => true,
                "false" or "False" or "FALSE" => false,
                _ => throw new FormatException($"{key} must be true or false (line {scalar.Start.Line})"),
            });
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }

    /// <summary>A decimal, <c>0x</c> hexadecimal, or octal (<c>0o644</c>, or <c>0644</c> as YAML 1.1 and CDI's loader
    /// read it) integer.</summary>
    private static long Integer(string value, string key, long line)
    {
        var negative = value.StartsWith('-');
        var digits = negative || value.StartsWith('+') ? value[1..] : value;
        long parsed;
        var ok = digits switch
        {
            ['0', 'x' or 'X', .. var hex] => long.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out parsed),
            ['0', 'o' or 'O', .. var octal] => TryOctal(octal, out parsed),
            ['0', _, ..] => TryOctal(digits[1..], out parsed),
            _ => long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out parsed),
        };
        return ok ? (negative ? -parsed : parsed) : throw new FormatException($"{key} must be an integer (line {line})");
    }

    private static bool TryOctal(string digits, out long value)
    {
        value = 0;
        if (digits.Length is 0 or > 21 || !digits.All(c => c is >= '0' and <= '7'))
        {
            return false;
        }

        value = Convert.ToInt64(digits, 8);
        return true;
    }
}
