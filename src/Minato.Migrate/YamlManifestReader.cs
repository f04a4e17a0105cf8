using System.Buffers;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Minato.Migrate;

/// <summary>
/// Reads Kubernetes objects from YAML: any number of documents, each one object or a List. Works on the
/// parser's event stream so that the items of a large <c>kubectl -o yaml</c> List are converted and reduced
/// one at a time; each item goes through JSON so one <see cref="ObjectExtractor"/> serves both formats.
/// </summary>
internal sealed class YamlManifestReader
{
    private readonly Parser _parser;
    private readonly string _file;
    private readonly YamlJsonWriter _writer;

    public YamlManifestReader(TextReader text, string file)
    {
        _parser = new Parser(text);
        _file = file;
        _writer = new YamlJsonWriter(_parser, file);
    }

    public IEnumerable<KubeObject> Read()
    {
        Guard(() => _parser.Consume<StreamStart>());
        while (!Guard(() => _parser.Accept<StreamEnd>(out _)))
        {
            Guard(() => _parser.Consume<DocumentStart>());
            _writer.StartDocument();
            if (Guard(() => _parser.Accept<MappingStart>(out _)))
            {
                foreach (var item in ReadRootMapping())
                {
                    yield return item;
                }
            }
            else
            {
                SkipEmptyDocument();
            }

            Guard(() => _parser.Consume<DocumentEnd>());
        }
    }

    /// <summary>
    /// A root mapping is either an object or a List. kubectl writes <c>items</c> before <c>kind</c>, so a
    /// root with an <c>items</c> sequence is taken to be a list without waiting for its kind.
    /// </summary>
    private IEnumerable<KubeObject> ReadRootMapping()
    {
        var start = Guard(() => _parser.Consume<MappingStart>());
        var rootJson = new ArrayBufferWriter<byte>();
        using var root = new Utf8JsonWriter(rootJson);
        root.WriteStartObject();
        string? kind = null;
        var isList = false;
        while (!Guard(() => _parser.TryConsume<MappingEnd>(out _)))
        {
            var key = Guard(() => _parser.Consume<Scalar>()).Value;
            if (key == "items" && Guard(() => _parser.TryConsume<SequenceStart>(out _)))
            {
                isList = true;
                while (!Guard(() => _parser.TryConsume<SequenceEnd>(out _)))
                {
                    yield return ReadItem(ItemKind(kind));
                }

                continue;
            }

            if (key == "kind" && Guard(() => _parser.Accept<Scalar>(out _)))
            {
                kind = Guard(() => _parser.Accept<Scalar>(out var scalar) ? scalar.Value : null);
            }

            root.WritePropertyName(key);
            Guard(() => _writer.WriteNode(root));
        }

        if (!isList)
        {
            root.WriteEndObject();
            root.Flush();
            yield return Extract(rootJson.WrittenMemory, Location(start.Start), null);
        }
    }

    private KubeObject ReadItem(string? impliedKind)
    {
        var start = Guard(() => _parser.Current!.Start);
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            Guard(() => _writer.WriteNode(writer));
        }

        return Extract(json.WrittenMemory, Location(start), impliedKind);
    }

    private static KubeObject Extract(ReadOnlyMemory<byte> json, SourceLocation location, string? impliedKind)
    {
        using var document = JsonDocument.Parse(json);
        return ObjectExtractor.Extract(document.RootElement, location, impliedKind);
    }

    private static string? ItemKind(string? listKind) =>
        listKind is { Length: > 4 } && listKind.EndsWith("List", StringComparison.Ordinal) ? listKind[..^4] : null;

    /// <summary>An empty document (a stray <c>---</c>) is fine; any other non-mapping document is not an object.</summary>
    private void SkipEmptyDocument()
    {
        var current = Guard(() => _parser.Current!);
        if (current is Scalar { Value: "" or "~" or "null" })
        {
            Guard(() => _parser.MoveNext());
            return;
        }

        throw new ManifestException(Location(current.Start), "expected a Kubernetes object (a YAML mapping)");
    }

    private SourceLocation Location(Mark mark) => new(_file, mark.Line);

    /// <summary>Turns the parser's exceptions into <see cref="ManifestException"/> with file and line.</summary>
    private T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (YamlException ex)
        {
            throw new ManifestException(new SourceLocation(_file, ex.Start.Line, ex.Start.Column), $"invalid YAML: {YamlJsonWriter.Reason(ex)}", ex);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner throws this instead of a YamlException on some truncated flow collections
            // (an unclosed { or [ at the end of the input); the last event read is the nearest position known.
            var mark = _parser.Current?.End;
            throw new ManifestException(
                new SourceLocation(_file, mark?.Line ?? 0, mark?.Column ?? 0), "invalid YAML: unexpected end of a flow collection ({ or [ not closed)", ex);
        }
    }

    private void Guard(Action action) => Guard(() =>
    {
        action();
        return true;
    });
}
