using System.Buffers;

namespace Minato.Streaming.Http2;

/// <summary>A decoded header list in one pooled buffer, bounded by its size as HTTP/2 counts it.</summary>
internal sealed class HeaderList : IDisposable
{
    /// <summary>What each field costs on top of its name and value octets (RFC 9113 section 6.5.2).</summary>
    public const int FieldOverhead = 32;

    private readonly int _maxListSize;
    private byte[] _buffer;
    private Field[] _fields = new Field[16];
    private int _bytesUsed;

    public HeaderList(int maxListSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxListSize);
        _maxListSize = maxListSize;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxListSize, 4096));
    }

    public int Count { get; private set; }

    /// <summary>The list's size: each field's name and value octets plus <see cref="FieldOverhead"/>.</summary>
    public int ListSize { get; private set; }

    public ReadOnlySpan<byte> GetName(int index)
    {
        var field = _fields[index];
        return _buffer.AsSpan(field.Start, field.NameLength);
    }

    public ReadOnlySpan<byte> GetValue(int index)
    {
        var field = _fields[index];
        return _buffer.AsSpan(field.Start + field.NameLength, field.ValueLength);
    }

    /// <summary>Whether the sender marked the field never to be indexed, which intermediaries must keep.</summary>
    public bool IsNeverIndexed(int index) => _fields[index].NeverIndexed;

    /// <exception cref="HpackDecodingException">The list would grow past its limit.</exception>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed = false)
    {
        var fieldSize = (long)name.Length + value.Length + FieldOverhead;
        if (ListSize + fieldSize > _maxListSize)
        {
            throw new HpackDecodingException($"The decoded header list exceeds {_maxListSize} octets.");
        }

        var needed = _bytesUsed + name.Length + value.Length;
        if (needed > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
            _buffer.AsSpan(0, _bytesUsed).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        if (Count == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
        }

        name.CopyTo(_buffer.AsSpan(_bytesUsed));
        value.CopyTo(_buffer.AsSpan(_bytesUsed + name.Length));
        _fields[Count++] = new Field(_bytesUsed, name.Length, value.Length, neverIndexed);
        _bytesUsed = needed;
        ListSize += (int)fieldSize;
    }

    public void Clear()
    {
        Count = 0;
        ListSize = 0;
        _bytesUsed = 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Clear();
    }

    private readonly record struct Field(int Start, int NameLength, int ValueLength, bool NeverIndexed);
}
