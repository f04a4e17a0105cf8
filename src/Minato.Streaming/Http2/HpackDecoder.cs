using System.Buffers;

namespace Minato.Streaming.Http2;

/// <summary>Decodes HPACK header blocks (RFC 7541), keeping its dynamic table in step with the peer's encoder.</summary>
internal sealed class HpackDecoder : IDisposable
{
    private readonly int _maxTableSizeLimit;
    private readonly int _maxStringLength;

    // Room for Huffman-decoded names and values; grows up to twice the string limit and is reused.
    private byte[] _scratch = [];

    /// <param name="maxTableSizeLimit">The SETTINGS_HEADER_TABLE_SIZE this side advertised: the largest table the peer may use.</param>
    /// <param name="maxStringLength">The longest decoded name or value accepted.</param>
    public HpackDecoder(int maxTableSizeLimit, int maxStringLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTableSizeLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(maxStringLength);
        _maxTableSizeLimit = maxTableSizeLimit;
        _maxStringLength = maxStringLength;
        Table = new HpackDynamicTable(maxTableSizeLimit);
    }

    public HpackDynamicTable Table { get; }

    /// <summary>Decodes one complete header block, appending its fields to <paramref name="headers"/>.</summary>
    /// <exception cref="HpackDecodingException">The block is malformed or exceeds a limit.</exception>
    public void Decode(ReadOnlySpan<byte> block, HeaderList headers)
    {
        var position = 0;
        var fieldSeen = false;
        while (position < block.Length)
        {
            var first = block[position];
            if ((first & 0x80) != 0)
            {
                // Indexed header field (section 6.1).
                var index = HpackInteger.Decode(block, ref position, 7);
                GetIndexed(index, out var name, out var value);
                headers.Add(name, value);
                fieldSeen = true;
            }
            else if ((first & 0xC0) == 0x40)
            {
                // Literal with incremental indexing (section 6.2.1): the peer's encoder adds it, so do we.
                ReadLiteral(block, ref position, 6, out var name, out var value);
                headers.Add(name, value);
                Table.Insert(name, value);
                fieldSeen = true;
            }
            else if ((first & 0xE0) == 0x20)
            {
                // Dynamic table size update (section 6.3): only before the first field of a block (section 4.2).
                if (fieldSeen)
                {
                    throw new HpackDecodingException("A dynamic table size update follows a header field.");
                }

                var size = HpackInteger.Decode(block, ref position, 5);
                if (size > _maxTableSizeLimit)
                {
                    throw new HpackDecodingException($"Dynamic table size update to {size} exceeds the limit of {_maxTableSizeLimit}.");
                }

                Table.Resize(size);
            }
            else
            {
                // Literal without indexing (0000xxxx) or never indexed (0001xxxx), sections 6.2.2 and 6.2.3.
                var neverIndexed = (first & 0x10) != 0;
                ReadLiteral(block, ref position, 4, out var name, out var value);
                headers.Add(name, value, neverIndexed);
                fieldSeen = true;
            }
        }
    }

    public void Dispose()
    {
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }
    }

    private void GetIndexed(int index, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        if (index == 0)
        {
            throw new HpackDecodingException("Index 0 is not a header field.");
        }

        if (index <= HpackStaticTable.Count)
        {
            var entry = HpackStaticTable.Get(index);
            name = entry.Name;
            value = entry.Value;
            return;
        }

        var dynamicIndex = index - HpackStaticTable.Count;
        if (dynamicIndex > Table.Count)
        {
            throw new HpackDecodingException($"Index {index} is beyond the {Table.Count} entries of the dynamic table.");
        }

        Table.Get(dynamicIndex, out name, out value);
    }

    private void ReadLiteral(ReadOnlySpan<byte> block, scoped ref int position, int prefixBits, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value)
    {
        var nameIndex = HpackInteger.Decode(block, ref position, prefixBits);
        var scratchUsed = 0;
        if (nameIndex == 0)
        {
            name = ReadString(block, ref position, ref scratchUsed);
        }
        else
        {
            GetIndexed(nameIndex, out name, out _);
        }

        var nameInScratch = scratchUsed;
        value = ReadString(block, ref position, ref scratchUsed);
        if (nameInScratch > 0)
        {
            // Decoding the value may have moved the scratch buffer under a Huffman-decoded name.
            name = _scratch.AsSpan(0, nameInScratch);
        }
    }

    private ReadOnlySpan<byte> ReadString(ReadOnlySpan<byte> block, scoped ref int position, scoped ref int scratchUsed)
    {
        if (position >= block.Length)
        {
            throw new HpackDecodingException("The header block ends before a string literal.");
        }

        var huffman = (block[position] & 0x80) != 0;
        var length = HpackInteger.Decode(block, ref position, 7);
        if (length > block.Length - position)
        {
            throw new HpackDecodingException("A string literal runs past the end of the header block.");
        }

        var encoded = block.Slice(position, length);
        position += length;
        if (!huffman)
        {
            if (length > _maxStringLength)
            {
                throw new HpackDecodingException($"A string literal exceeds {_maxStringLength} octets.");
            }

            return encoded;
        }

        var room = Math.Min(HpackHuffman.GetMaxDecodedLength(length), _maxStringLength);
        EnsureScratch(scratchUsed + room, scratchUsed);
        var decodedLength = HpackHuffman.Decode(encoded, _scratch.AsSpan(scratchUsed, room));
        var decoded = _scratch.AsSpan(scratchUsed, decodedLength);
        scratchUsed += decodedLength;
        return decoded;
    }

    private void EnsureScratch(int size, int preserve)
    {
        if (_scratch.Length >= size)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(size);
        _scratch.AsSpan(0, preserve).CopyTo(larger);
        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
        }

        _scratch = larger;
    }
}
