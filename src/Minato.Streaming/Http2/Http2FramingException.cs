namespace Minato.Streaming.Http2;

/// <summary>Client frames the rewriter cannot forward faithfully: a connection error for the client.</summary>
internal sealed class Http2FramingException : Exception
{
    public Http2FramingException()
    {
    }

    public Http2FramingException(string message)
        : base(message)
    {
    }

    public Http2FramingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
