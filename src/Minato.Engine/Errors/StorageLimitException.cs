namespace Minato.Engine.Errors;

/// <summary>A write would cross a storage bound: a filesystem's free space less its reserve, or a configured size cap.</summary>
/// <remarks>The message names the filesystem or the setting and, where it is known, the space that was needed.</remarks>
public sealed class StorageLimitException : Exception
{
    public StorageLimitException(string message)
        : base(message)
    {
    }

    public StorageLimitException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public StorageLimitException()
    {
    }
}
