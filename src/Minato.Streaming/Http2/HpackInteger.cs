namespace Minato.Streaming.Http2;

/// <summary>The HPACK prefixed integer representation (RFC 7541 section 5.1).</summary>
internal static class HpackInteger
{
    /// <summary>Reads an integer whose first octet starts at <paramref name="position"/> and keeps its low <paramref name="prefixBits"/> bits.</summary>
    public static int Decode(ReadOnlySpan<byte> source, ref int position, int prefixBits)
    {
        if (position >= source.Length)
        {
            throw new HpackDecodingException("The header block ends inside an integer.");
        }

        var prefixMax = (1 << prefixBits) - 1;
        var value = source[position++] & prefixMax;
        if (value < prefixMax)
        {
            return value;
        }

        // Seven bits per continuation octet; anything that does not fit an int is refused, which also
        // stops an endless run of 0x80 octets from being read as a valid (zero-padded) encoding.
        long result = value;
        for (var shift = 0; ; shift += 7)
        {
            if (position >= source.Length)
            {
                throw new HpackDecodingException("The header block ends inside an integer.");
            }

            if (shift > 28)
            {
                throw new HpackDecodingException("An HPACK integer does not fit in 31 bits.");
            }

            var octet = source[position++];
            result += (long)(octet & 0x7F) << shift;
            if (result > int.MaxValue)
            {
                throw new HpackDecodingException("An HPACK integer does not fit in 31 bits.");
            }

            if ((octet & 0x80) == 0)
            {
                return (int)result;
            }
        }
    }

    public static int GetEncodedLength(int value, int prefixBits)
    {
        var prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            return 1;
        }

        var length = 2;
        for (var rest = value - prefixMax; rest >= 0x80; rest >>= 7)
        {
            length++;
        }

        return length;
    }

    /// <summary>Writes <paramref name="value"/>; <paramref name="firstOctetFlags"/> fills the bits above the prefix.</summary>
    public static int Encode(int value, int prefixBits, byte firstOctetFlags, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        var prefixMax = (1 << prefixBits) - 1;
        if (value < prefixMax)
        {
            destination[0] = (byte)(firstOctetFlags | value);
            return 1;
        }

        destination[0] = (byte)(firstOctetFlags | prefixMax);
        var written = 1;
        var rest = value - prefixMax;
        while (rest >= 0x80)
        {
            destination[written++] = (byte)((rest & 0x7F) | 0x80);
            rest >>= 7;
        }

        destination[written++] = (byte)rest;
        return written;
    }
}
