namespace Minato.Engine.Images.Content;

/// <summary>Content did not match its descriptor: wrong digest, fewer or more bytes than announced.</summary>
public sealed class ContentVerificationException : IOException
{
    public ContentVerificationException(Digest expected, string message)
        : base($"Content {expected}: {message}")
    {
        Expected = expected;
    }

    /// <summary>The digest the content was supposed to have.</summary>
    public Digest Expected { get; }
}
