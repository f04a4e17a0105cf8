namespace Minato.Streaming.Http2;

/// <summary>A header block the HPACK decoder cannot accept: an HTTP/2 COMPRESSION_ERROR for the connection.</summary>
internal sealed class HpackDecodingException : Exception
{
    public HpackDecodingException()
    {
    }

    public HpackDecodingException(string message)
        : base(message)
    {
    }

    public HpackDecodingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
