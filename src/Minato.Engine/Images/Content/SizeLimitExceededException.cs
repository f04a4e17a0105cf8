namespace Minato.Engine.Images.Content;

/// <summary>More data than a configured limit allows (a decompression bomb, an oversized layer or header).</summary>
public sealed class SizeLimitExceededException : IOException
{
    public SizeLimitExceededException(string what, long limit)
        : base($"{what} exceeds the limit of {limit} bytes.")
    {
        Limit = limit;
    }

    /// <summary>The limit in force, in bytes (or entries, for entry counts).</summary>
    public long Limit { get; }
}
