namespace Minato.Streaming.Http2;

/// <summary>The static Huffman code of HPACK string literals (RFC 7541 section 5.2 and Appendix B).</summary>
internal static class HpackHuffman
{
    public const int EndOfString = 256;
    private const int MinCodeLength = 5;
    private const int MaxCodeLength = 30;

    // The code is canonical: codes of one length are consecutive and follow symbol order, and each length
    // starts where the previous one ended, shifted left. So the bit length of each symbol (0-255, then EOS)
    // from Appendix B is all it takes to rebuild every code; the tests compare the result with the RFC.
    private static ReadOnlySpan<byte> CodeLengths =>
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, // 0-15
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28, // 16-31
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, // 32-47
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10, // 48-63
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, // 64-79
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6, // 80-95
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, // 96-111
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28, // 112-127
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, // 128-143
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24, // 144-159
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, // 160-175
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23, // 176-191
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, // 192-207
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27, // 208-223
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, // 224-239
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26, // 240-255
        30, // EOS
    ];

    // For each length: the first code of that length, how many codes have it, and where its symbols
    // start in SymbolsByCode.
    private static readonly uint[] FirstCode = new uint[MaxCodeLength + 1];
    private static readonly uint[] CodeCount = new uint[MaxCodeLength + 1];
    private static readonly int[] FirstSymbolIndex = new int[MaxCodeLength + 1];
    private static readonly short[] SymbolsByCode = new short[EndOfString + 1];
    private static readonly uint[] Codes = new uint[EndOfString + 1];

    static HpackHuffman()
    {
        var lengths = CodeLengths;
        foreach (var length in lengths)
        {
            CodeCount[length]++;
        }

        uint code = 0;
        var index = 0;
        for (var length = 1; length <= MaxCodeLength; length++)
        {
            code = (code + CodeCount[length - 1]) << 1;
            FirstCode[length] = code;
            FirstSymbolIndex[length] = index;
            index += (int)CodeCount[length];
        }

        var nextCode = (uint[])FirstCode.Clone();
        var nextIndex = (int[])FirstSymbolIndex.Clone();
        for (var symbol = 0; symbol <= EndOfString; symbol++)
        {
            var length = lengths[symbol];
            Codes[symbol] = nextCode[length]++;
            SymbolsByCode[nextIndex[length]++] = (short)symbol;
        }
    }

    /// <summary>The code of <paramref name="symbol"/>, right-aligned, and its length in bits.</summary>
    public static (uint Code, int Length) GetCode(int symbol) => (Codes[symbol], CodeLengths[symbol]);

    /// <summary>Decodes <paramref name="source"/> into <paramref name="destination"/> and returns the octets written.</summary>
    /// <exception cref="HpackDecodingException">EOS in the data, bad padding, or more output than fits.</exception>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ulong bits = 0;
        var bitCount = 0;
        var read = 0;
        var written = 0;
        while (true)
        {
            while (bitCount <= 56 && read < source.Length)
            {
                bits = (bits << 8) | source[read++];
                bitCount += 8;
            }

            if (bitCount == 0)
            {
                return written;
            }

            var symbol = -1;
            var length = MinCodeLength;
            for (; length <= MaxCodeLength && length <= bitCount; length++)
            {
                var code = (uint)(bits >> (bitCount - length)) & ((1u << length) - 1);
                var offset = code - FirstCode[length];
                if (offset < CodeCount[length])
                {
                    symbol = SymbolsByCode[FirstSymbolIndex[length] + (int)offset];
                    break;
                }
            }

            if (symbol < 0)
            {
                // The code is complete, so with 30 bits at hand a symbol always matches: what is left here
                // is the tail of the last octet, which must be a prefix of EOS (all ones) shorter than 8 bits.
                var padMask = (1UL << bitCount) - 1;
                if (bitCount > 7 || (bits & padMask) != padMask)
                {
                    throw new HpackDecodingException("Huffman-coded string has invalid padding.");
                }

                return written;
            }

            if (symbol == EndOfString)
            {
                throw new HpackDecodingException("Huffman-coded string contains EOS.");
            }

            if (written == destination.Length)
            {
                throw new HpackDecodingException("Huffman-coded string is longer than allowed.");
            }

            destination[written++] = (byte)symbol;
            bitCount -= length;
            bits &= (1UL << bitCount) - 1;
        }
    }

    /// <summary>The most octets <paramref name="encodedLength"/> octets can decode to (every code is at least 5 bits).</summary>
    public static int GetMaxDecodedLength(int encodedLength) => (int)((long)encodedLength * 8 / MinCodeLength);
}
