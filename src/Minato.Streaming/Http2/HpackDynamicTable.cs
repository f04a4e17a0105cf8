namespace Minato.Streaming.Http2;

/// <summary>The HPACK dynamic table (RFC 7541 sections 2.3.2 and 4), newest entry first.</summary>
internal sealed class HpackDynamicTable
{
    /// <summary>What each entry costs on top of its name and value octets (RFC 7541 section 4.1).</summary>
    public const int EntryOverhead = 32;

    // A ring of entries; each holds its name and value in one array. Arrays are never reused, so a span
    // handed out for an entry stays valid even if a later insertion evicts that entry.
    private Entry[] _entries = new Entry[16];
    private int _oldest;

    public HpackDynamicTable(int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        MaxSize = maxSize;
    }

    public int Count { get; private set; }

    /// <summary>The sum of the entries' sizes as RFC 7541 section 4.1 counts them.</summary>
    public int Size { get; private set; }

    public int MaxSize { get; private set; }

    /// <summary>The entry at <paramref name="index"/>: 1 is the newest, <see cref="Count"/> the oldest.</summary>
    public void Get(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, Count);
        var entry = _entries[(_oldest + Count - index) % _entries.Length];
        name = entry.Data.AsSpan(0, entry.NameLength);
        value = entry.Data.AsSpan(entry.NameLength);
    }

    public void Insert(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        var entrySize = name.Length + value.Length + EntryOverhead;
        if (entrySize > MaxSize)
        {
            // RFC 7541 section 4.4: an entry larger than the table empties it and is not added.
            EvictUntil(0);
            return;
        }

        // Copy before evicting: the name may be a span of an entry about to go.
        var data = new byte[name.Length + value.Length];
        name.CopyTo(data);
        value.CopyTo(data.AsSpan(name.Length));
        EvictUntil(MaxSize - entrySize);

        if (Count == _entries.Length)
        {
            Grow();
        }

        _entries[(_oldest + Count) % _entries.Length] = new Entry(data, name.Length);
        Count++;
        Size += entrySize;
    }

    /// <summary>Applies a dynamic table size update (RFC 7541 section 4.3).</summary>
    public void Resize(int maxSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSize);
        MaxSize = maxSize;
        EvictUntil(maxSize);
    }

    private void EvictUntil(int size)
    {
        while (Size > size)
        {
            var entry = _entries[_oldest];
            _entries[_oldest] = default;
            _oldest = (_oldest + 1) % _entries.Length;
            Count--;
            Size -= entry.Data.Length + EntryOverhead;
        }
    }

    private void Grow()
    {
        var larger = new Entry[_entries.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            larger[i] = _entries[(_oldest + i) % _entries.Length];
        }

        _entries = larger;
        _oldest = 0;
    }

    private readonly record struct Entry(byte[] Data, int NameLength);
}
