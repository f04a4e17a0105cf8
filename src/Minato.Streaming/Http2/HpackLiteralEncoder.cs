namespace Minato.Streaming.Http2;

/// <summary>
/// Encodes header fields as literals with a literal name and no Huffman coding, "without indexing" or
/// "never indexed" (RFC 7541 sections 6.2.2 and 6.2.3), so the receiver's dynamic table is never touched.
/// </summary>
internal static class HpackLiteralEncoder
{
    private const byte WithoutIndexing = 0x00;
    private const byte NeverIndexed = 0x10;

    public static int GetEncodedLength(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) =>
        1 + HpackInteger.GetEncodedLength(name.Length, 7) + name.Length
        + HpackInteger.GetEncodedLength(value.Length, 7) + value.Length;

    /// <summary>Writes the field and returns the octets written (<see cref="GetEncodedLength"/>).</summary>
    public static int Encode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed, Span<byte> destination)
    {
        // Index 0 in the 4-bit prefix means the name follows as a string literal.
        destination[0] = neverIndexed ? NeverIndexed : WithoutIndexing;
        var written = 1;
        written += WriteString(name, destination[written..]);
        written += WriteString(value, destination[written..]);
        return written;
    }

    private static int WriteString(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        // The H bit (0x80) stays clear: the octets are sent as they are.
        var written = HpackInteger.Encode(text.Length, 7, 0, destination);
        text.CopyTo(destination[written..]);
        return written + text.Length;
    }
}
