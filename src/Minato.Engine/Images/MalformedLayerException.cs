namespace Minato.Engine.Images;

/// <summary>Layer bytes that are not a valid compressed stream or tar archive (garbage, truncation, bad headers).</summary>
public sealed class MalformedLayerException : IOException
{
    public MalformedLayerException(string message)
        : base(message)
    {
    }

    public MalformedLayerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
