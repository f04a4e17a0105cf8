using System.Text.Json;

namespace Minato.Migrate;

/// <summary>
/// Reads Kubernetes objects from JSON: one object, a <c>List</c> (or typed list) whose items are parsed one
/// at a time, or several concatenated objects. Memory stays bounded by the largest item, not the input: a
/// List's items are skipped over with <see cref="Utf8JsonReader"/>, parsed into a short-lived
/// <see cref="JsonDocument"/>, reduced, and the buffer behind them is reused.
/// </summary>
internal sealed class JsonManifestReader
{
    private static readonly JsonReaderOptions Options = new()
    {
        AllowMultipleValues = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private readonly Stream _stream;
    private readonly string _file;
    private byte[] _buffer;
    private int _end;
    private int _pos;
    private bool _eof;
    private JsonReaderState _state = new(Options);

    // Everything from _keepFrom on stays in the buffer: the current root object until it proves to be a list.
    private int _keepFrom;
    private int _stepBase;
    private int _linePos;
    private long _line = 1;

    private delegate bool ReaderStep(ref Utf8JsonReader reader);

    /// <param name="stream">The input.</param>
    /// <param name="file">Its name in messages.</param>
    /// <param name="prefix">Bytes already read from the stream (format detection), to be read first.</param>
    public JsonManifestReader(Stream stream, string file, ReadOnlySpan<byte> prefix)
    {
        _stream = stream;
        _file = file;
        _buffer = new byte[Math.Max(64 * 1024, prefix.Length * 2)];
        prefix.CopyTo(_buffer);
        _end = prefix.Length;
    }

    /// <summary>The buffer's size: the largest item (or non-List object) plus a read, never the whole input.</summary>
    internal int BufferSize => _buffer.Length;

    public IEnumerable<KubeObject> Read()
    {
        while (NextToken(atRoot: true) is { } root)
        {
            if (root.Type == JsonTokenType.StartArray)
            {
                _keepFrom = _pos;
                while (TryReadItem(null, out var item))
                {
                    yield return item;
                }

                continue;
            }

            if (root.Type != JsonTokenType.StartObject)
            {
                throw Error(root.Start, $"expected a JSON object, found {root.Type}");
            }

            var rootLocation = Location(root.Start);
            _keepFrom = root.Start;
            string? listKind = null;
            var isList = false;
            while (NextToken(atRoot: false) is { Type: JsonTokenType.PropertyName } property)
            {
                if (property.Value == "items" && !isList)
                {
                    isList = true;
                    _keepFrom = _pos;
                    ExpectToken(JsonTokenType.StartArray, "a List's items must be an array");
                    while (TryReadItem(ItemKind(listKind), out var item))
                    {
                        yield return item;
                    }
                }
                else if (property.Value == "kind")
                {
                    listKind = ReadKind();
                }
                else
                {
                    SkipValue();
                }
            }

            if (!isList)
            {
                // Not a list: the whole object is still in the buffer from _keepFrom (which Refill keeps current).
                yield return ParseWhole(_keepFrom, _pos, rootLocation);
            }

            _keepFrom = _pos;
        }
    }

    /// <summary>PodList items carry no kind of their own; List items do.</summary>
    private static string? ItemKind(string? listKind) =>
        listKind is { Length: > 4 } && listKind.EndsWith("List", StringComparison.Ordinal) ? listKind[..^4] : null;

    private bool TryReadItem(string? impliedKind, out KubeObject item)
    {
        var (start, end, done) = (0, 0, false);
        Run(
            (ref Utf8JsonReader r) =>
            {
                if (!r.Read())
                {
                    return false;
                }

                if (r.TokenType == JsonTokenType.EndArray)
                {
                    done = true;
                    return true;
                }

                start = _stepBase + (int)r.TokenStartIndex;
                if (r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !r.TrySkip())
                {
                    return false;
                }

                end = _stepBase + (int)r.BytesConsumed;
                return true;
            },
            "inside a list of items");
        item = done ? null! : ParseWhole(start, end, Location(start), impliedKind);

        // The item is reduced; its bytes may go, which is what keeps a large List's memory flat.
        _keepFrom = _pos;
        return !done;
    }

    private KubeObject ParseWhole(int start, int end, SourceLocation location, string? impliedKind = null)
    {
        using var document = JsonDocument.Parse(_buffer.AsMemory(start, end - start));
        return ObjectExtractor.Extract(document.RootElement, location, impliedKind);
    }

    private (JsonTokenType Type, string? Value, int Start)? NextToken(bool atRoot)
    {
        (JsonTokenType, string?, int)? token = null;
        var complete = Run(
            (ref Utf8JsonReader r) =>
            {
                if (!r.Read())
                {
                    return false;
                }

                var value = r.TokenType is JsonTokenType.PropertyName or JsonTokenType.String ? r.GetString() : null;
                token = (r.TokenType, value, _stepBase + (int)r.TokenStartIndex);
                return true;
            },
            atRoot ? null : "inside an object");
        return complete ? token : null;
    }

    private string? ReadKind()
    {
        var token = NextToken(atRoot: false);
        return token?.Type is JsonTokenType.StartObject or JsonTokenType.StartArray
            ? throw Error(token.Value.Start, "kind must be a string")
            : token?.Value;
    }

    private void ExpectToken(JsonTokenType type, string reason)
    {
        var token = NextToken(atRoot: false);
        if (token?.Type != type)
        {
            throw Error(token?.Start ?? _pos, reason);
        }
    }

    private void SkipValue() => Run((ref Utf8JsonReader r) => r.Read() && r.TrySkip(), "inside a value");

    /// <summary>
    /// Runs a step on a reader over the unread bytes, reading more input until the step has what it needs.
    /// Returns false only at a clean end of input; an end in the middle (<paramref name="inside"/>) throws.
    /// </summary>
    private bool Run(ReaderStep step, string? inside)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_pos, _end - _pos), _eof, _state);
            _stepBase = _pos;
            bool done;
            try
            {
                done = step(ref reader);
            }
            catch (JsonException ex)
            {
                // The reader state carries its line count across buffers, so this is the line in the whole input.
                var line = (ex.LineNumber ?? 0) + 1;
                var column = (ex.BytePositionInLine ?? 0) + 1;
                throw new ManifestException(new SourceLocation(_file, line, column), $"invalid JSON: {Reason(ex)}", ex);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is System.Text.DecoderFallbackException)
            {
                // A string that is not valid UTF-8 shows only when it is read as text.
                throw new ManifestException(new SourceLocation(_file, 0), "invalid JSON: a string is not valid UTF-8", ex);
            }

            if (done)
            {
                _pos += (int)reader.BytesConsumed;
                _state = reader.CurrentState;
                return true;
            }

            if (_eof)
            {
                return inside is null ? false : throw Error(_end, $"unexpected end of input {inside}");
            }

            Refill();
        }
    }

    private void Refill()
    {
        var keep = Math.Min(_keepFrom, _pos);
        if (keep > 0)
        {
            LineAt(keep);
            _buffer.AsSpan(keep, _end - keep).CopyTo(_buffer);
            (_end, _pos, _keepFrom, _linePos) = (_end - keep, _pos - keep, _keepFrom - keep, _linePos - keep);
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        _eof = read == 0;
        _end += read;
    }

    /// <summary>The 1-based line at a buffer offset, counting newlines incrementally from the last offset asked.</summary>
    private long LineAt(int offset)
    {
        if (offset >= _linePos)
        {
            _line += _buffer.AsSpan(_linePos, offset - _linePos).Count((byte)'\n');
        }
        else
        {
            _line -= _buffer.AsSpan(offset, _linePos - offset).Count((byte)'\n');
        }

        _linePos = offset;
        return _line;
    }

    private SourceLocation Location(int offset) => new(_file, LineAt(offset));

    private ManifestException Error(int offset, string reason) => new(Location(offset), reason);

    /// <summary>The reader's message without its own (0-based) position, which we give 1-based with the file.</summary>
    private static string Reason(JsonException ex)
    {
        var message = ex.Message.Replace(" Change the reader options.", "", StringComparison.Ordinal);
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
