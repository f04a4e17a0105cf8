using System.Buffers;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Minato.Migrate;

/// <summary>
/// Writes the next YAML node from a parser as JSON. Plain scalars <c>true</c>/<c>false</c>/<c>null</c> become
/// JSON literals; every other scalar is a string, since the rules read no numbers. Anchors are remembered
/// (as JSON) for the rest of the document so aliases resolve.
/// </summary>
internal sealed class YamlJsonWriter(IParser parser, string file)
{
    private readonly Dictionary<string, byte[]> _anchors = new(StringComparer.Ordinal);

    public void StartDocument() => _anchors.Clear();

    public void WriteNode(Utf8JsonWriter writer)
    {
        var current = parser.Current ?? throw new ManifestException(new SourceLocation(file, 0), "unexpected end of YAML");
        if (current is AnchorAlias alias)
        {
            parser.MoveNext();
            var json = _anchors.TryGetValue(alias.Value.Value, out var bytes)
                ? bytes
                : throw new ManifestException(new SourceLocation(file, alias.Start.Line), $"unknown alias *{alias.Value}");
            writer.WriteRawValue(json, skipInputValidation: true);
            return;
        }

        if (current is NodeEvent { Anchor.IsEmpty: false } anchored)
        {
            // Written apart so the remembered bytes hold the value alone, not a separator before it.
            var buffer = new ArrayBufferWriter<byte>();
            using (var inner = new Utf8JsonWriter(buffer))
            {
                WriteUnanchored(inner);
            }

            _anchors[anchored.Anchor.Value] = buffer.WrittenSpan.ToArray();
            writer.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
            return;
        }

        WriteUnanchored(writer);
    }

    private void WriteUnanchored(Utf8JsonWriter writer)
    {
        switch (parser.Current)
        {
            case Scalar scalar:
                parser.MoveNext();
                WriteScalar(writer, scalar);
                break;
            case SequenceStart:
                parser.MoveNext();
                writer.WriteStartArray();
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    WriteNode(writer);
                }

                writer.WriteEndArray();
                break;
            case MappingStart:
                parser.MoveNext();
                writer.WriteStartObject();
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = parser.Current as Scalar
                        ?? throw new ManifestException(new SourceLocation(file, parser.Current!.Start.Line), "a mapping key must be a scalar");
                    parser.MoveNext();
                    writer.WritePropertyName(key.Value);
                    WriteNode(writer);
                }

                writer.WriteEndObject();
                break;
            default:
                throw new ManifestException(
                    new SourceLocation(file, parser.Current?.Start.Line ?? 0), $"unexpected YAML {parser.Current?.GetType().Name}");
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, Scalar scalar)
    {
        if (scalar.Style == ScalarStyle.Plain)
        {
            switch (scalar.Value)
            {
                case "true" or "True" or "TRUE":
                    writer.WriteBooleanValue(true);
                    return;
                case "false" or "False" or "FALSE":
                    writer.WriteBooleanValue(false);
                    return;
                case "" or "~" or "null" or "Null" or "NULL":
                    writer.WriteNullValue();
                    return;
            }
        }

        writer.WriteStringValue(scalar.Value);
    }

    /// <summary>The parser's message without the position prefix it adds; the caller reports file and line.</summary>
    public static string Reason(YamlException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut > 0 ? message[(cut + 3)..] : message;
    }
}
