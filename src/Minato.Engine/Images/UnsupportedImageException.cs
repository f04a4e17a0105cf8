namespace Minato.Engine.Images;

/// <summary>The content is well formed but not an image Minato runs (schema 1, an artifact, no matching platform).</summary>
public sealed class UnsupportedImageException : Exception
{
    public UnsupportedImageException(string message)
        : base(message)
    {
    }

    public UnsupportedImageException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public UnsupportedImageException()
    {
    }
}
