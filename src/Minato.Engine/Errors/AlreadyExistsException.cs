namespace Minato.Engine.Errors;

/// <summary>The thing to create exists already (same name or id).</summary>
public sealed class AlreadyExistsException : Exception
{
    public AlreadyExistsException(string message)
        : base(message)
    {
    }

    public AlreadyExistsException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public AlreadyExistsException()
    {
    }
}
