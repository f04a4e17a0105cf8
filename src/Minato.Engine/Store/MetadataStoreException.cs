namespace Minato.Engine.Store;

/// <summary>The metadata database cannot be used (corrupt, newer schema, unreadable).</summary>
public sealed class MetadataStoreException : Exception
{
    public MetadataStoreException(string message)
        : base(message)
    {
    }

    public MetadataStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public MetadataStoreException()
    {
    }
}
